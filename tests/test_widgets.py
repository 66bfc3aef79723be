"""The live explorer, driven in code: every control changes what is drawn, bad values give a
message and no exception, and moves redraw in place without leaking figures."""

import html
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import optimizers as O
from helpers import plotting, widgets
from helpers.widgets import explorer


def drawn(e):
    """What the figure shows, as data: every path, loss and state line, and the frame."""
    paths = {n: (a.line.get_visible(), np.array(a.line.get_xydata())) for n, a in e._paths.items()}
    return paths, e.to_png()


def changed(before, after):
    (paths_a, png_a), (paths_b, png_b) = before, after
    different_paths = paths_a.keys() != paths_b.keys() or any(
        paths_a[n][0] != paths_b[n][0]
        or paths_a[n][1].shape != paths_b[n][1].shape
        or not np.allclose(paths_a[n][1], paths_b[n][1], equal_nan=True)
        for n in paths_a
    )
    return different_paths and png_a != png_b


@pytest.mark.parametrize("name", O.NAMES)
def test_controls_are_the_optimizers_hyperparameters(name):
    e = explorer(name, surface="himmelblau")
    expected = set(widgets.CONTROLLED[name]) | {"steps", "surface", "start", "compare"}
    assert set(e.controls) == expected
    for key in widgets.CONTROLLED[name]:
        assert widgets.SLIDERS[key][0] in e.controls[key].children[0].value  # the book's symbol
    assert e.figure is e.figure.canvas.figure
    assert e.summary().startswith(O.DISPLAY_NAMES[name])


NEW_VALUES = {
    "learning_rate": 0.02,
    "momentum": 0.5,
    "rho": 0.5,
    "beta_1": 0.5,
    "beta_2": 0.9,
    "epsilon": 0.5,
    "weight_decay": 0.5,
    "initial_accumulator_value": 0.9,
    "steps": 40,
    "start": (-1.0, -4.0),
    "surface": "beale",
    "compare": ("gd",),
}


@pytest.mark.parametrize("name", O.NAMES)
def test_every_control_changes_what_is_drawn(name):
    e = explorer(name, surface="himmelblau", learning_rate=0.05 if name != "gd" else 0.005)
    for key, control in e.controls.items():
        before = drawn(e)
        value = NEW_VALUES[key]
        if key == "compare" and name == "gd":
            value = ("momentum",)
        control.value = value
        assert e.message.value == "", f"{key}={value}: {e.message.value}"
        assert changed(before, drawn(e)), f"setting {key} to {value} changed nothing"


def test_moving_a_slider_is_the_same_as_setting_the_value():
    e = explorer("adam", surface="rosenbrock")
    e.controls["learning_rate"].slider.value = 10**-1.5
    assert e.controls["learning_rate"].value == pytest.approx(0.0316, rel=1e-3)
    assert e.result.optimizer.learning_rate == e.controls["learning_rate"].value
    e.controls["beta_2"].slider.value = 1e-4  # the slider moves 1 - β2
    assert e.controls["beta_2"].value == 0.9999
    assert e.result.optimizer.beta_2 == 0.9999


def test_a_value_between_slider_steps_is_kept_when_the_browser_echoes_the_slider():
    """η = 0.15 lies between the slider's grid points (steps of 0.05 in log₁₀): the slider
    shows the nearest one, 10^-0.8, and a browser sending that position back must not turn
    η into 0.158; a real move still does."""
    e = explorer("gd", surface="bowl", learning_rate=0.15)
    control = e.controls["learning_rate"]
    assert control.slider.value == pytest.approx(10**-0.8)
    control.slider.value = 10**-0.8 * (1 + 1e-12)  # the echo, up to rounding in JavaScript
    assert control.value == 0.15 and e.result.optimizer.learning_rate == 0.15
    control.slider.value = 10**-0.75
    assert control.value == 0.178 and e.result.optimizer.learning_rate == 0.178
    assert "faster-optimizers-explorer" in e._dom_classes
    assert "faster-optimizers-control-learning_rate" in control._dom_classes


@pytest.mark.parametrize(
    "position, beta", [(1e-1, 0.9), (1e-2, 0.99), (1e-3, 0.999), (1e-4, 0.9999), (1.0, 0.0)]
)
def test_betas_near_one_are_reachable_exactly(position, beta):
    e = explorer("adam")
    e.controls["beta_2"].slider.value = position  # the slider moves 1 − β2
    assert e.controls["beta_2"].value == beta and e.controls["beta_2"].text.value == beta
    assert e.result.optimizer.beta_2 == beta
    e.controls["beta_1"].value = beta  # set in code: the slider follows
    assert e.controls["beta_1"].slider.value == pytest.approx(position)


def test_typing_a_value_in_the_box():
    e = explorer("momentum", surface="bowl")
    e.controls["momentum"].text.value = 0.5
    assert e.controls["momentum"].value == 0.5 and e.result.optimizer.momentum == 0.5
    e.controls["learning_rate"].text.value = -0.1
    assert "learning_rate (η) must be in (0, ∞); got -0.1" in e.message.value


BAD = [
    ("adam", "learning_rate", 0.0, "learning_rate (η) must be in (0, ∞)"),
    ("adam", "learning_rate", -1.0, "learning_rate (η)"),
    ("momentum", "momentum", 1.0, "momentum (β) must be in [0, 1)"),
    ("momentum", "momentum", -0.1, "momentum (β)"),
    ("rmsprop", "rho", 1.2, "rho (ρ)"),
    ("adam", "beta_1", 1.0, "beta_1 (β1)"),
    ("adam", "beta_2", 1.0, "beta_2 (β2) must be in [0, 1)"),
    ("adam", "epsilon", 0.0, "epsilon (ε) must be in (0, ∞)"),
    ("adagrad", "epsilon", -1e-3, "epsilon (ε)"),
    ("adamw", "weight_decay", -0.5, "weight_decay (λ)"),
    ("adam", "steps", 0, "steps must be a whole number ≥ 1"),
    ("adam", "steps", -5, "steps must be a whole number ≥ 1"),
    ("adam", "learning_rate", float("nan"), "learning_rate (η)"),
    ("gd", "start", (float("nan"), 1.0), "start point must be two finite numbers"),
]


@pytest.mark.parametrize("name, key, value, message", BAD)
def test_bad_values_give_a_message_and_keep_the_last_good_plot(name, key, value, message):
    e = explorer(name, surface="bowl")
    before = drawn(e)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e.controls[key].value = value  # no exception
    assert message in e.message.value
    after = drawn(e)
    assert after[1] == before[1], "the last good plot stays"
    e.reset()
    assert e.message.value == ""


def test_a_diverging_run_is_drawn_and_labelled_not_raised():
    e = explorer("gd", surface="bowl", learning_rate=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e.controls["learning_rate"].value = 0.25
    assert e.result.diverged and e.message.value == ""
    artists = e._paths["gd"]
    assert artists.cross.get_visible() and artists.note.get_visible()
    assert artists.note.get_text() == f"diverged at step {e.result.diverged_at}"
    assert "diverged at step" in e.summary() and "ABOVE" in e.summary()
    e.controls["learning_rate"].value = 0.15
    assert not artists.cross.get_visible() and "below" in e.summary()


def test_moves_redraw_in_place(monkeypatch):
    e = explorer("adam", surface="rosenbrock", compare=("rmsprop", "gd"))
    figure, contours = e.figure, list(e._contours)
    figures_before = plt.get_fignums()
    calls = []
    monkeypatch.setattr(plotting, "draw_surface", lambda *a, **k: calls.append(a))
    full_before = e.redraws["full"]
    for value in np.geomspace(0.01, 1.0, 100):
        e.controls["learning_rate"].value = float(value)
    assert plt.get_fignums() == figures_before, "no figure left behind"
    assert e.figure is figure and e._contours == contours, "same figure, same contours"
    assert calls == [], "no contours recomputed"
    assert e.redraws["blit"] >= 90 and e.redraws["full"] - full_before <= 10


def test_compare_draws_ghost_paths_from_the_same_start():
    e = explorer("momentum", surface="rosenbrock", compare=("gd", "nesterov", "adam"))
    for name in ("gd", "nesterov", "adam"):
        np.testing.assert_array_equal(e.ghosts[name].path[0], e.result.path[0])
    assert e.ghosts["gd"].optimizer.learning_rate == e.result.optimizer.learning_rate  # same η
    assert e.ghosts["nesterov"].optimizer.momentum == e.result.optimizer.momentum
    assert e.ghosts["adam"].optimizer.learning_rate == widgets.suggested_learning_rate(
        "adam", "rosenbrock"
    )
    e.controls["compare"].value = ()
    assert not e._paths["adam"].line.get_visible() and e.ghosts == {}
    e.controls["compare"].buttons["adagrad"].value = True  # a click on a toggle
    assert set(e.ghosts) == {"adagrad"}


def test_surface_change_moves_the_start_and_reset_restores_everything():
    e = explorer("adam", surface="rosenbrock", learning_rate=0.1, compare=("rmsprop",))
    first = e.summary()
    e.controls["surface"].value = "himmelblau"
    assert e.controls["start"].value == (0.0, 0.0)
    assert e.ax_surface.get_title() == "himmelblau"
    e.controls["learning_rate"].value = 0.3
    e.controls["compare"].value = ()
    e.reset()
    assert e.controls["surface"].value == "rosenbrock" and e.controls["learning_rate"].value == 0.1
    assert e.summary() == first


def test_readouts_and_static_fallback():
    e = explorer("gd", surface="bowl", learning_rate=0.15)
    assert (
        "steps to J − J* &lt; 1e-06" in e.readout.value
        or "steps to J − J* < 1e-06" in e.readout.value
    )
    assert "54" in e.readout.value and "η &lt; 2/λmax = 0.2" in e.readout.value
    bundle = e._repr_mimebundle_()
    assert bundle["text/plain"] == e.summary()
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_ipympl_backend_uses_the_figure_canvas():
    import matplotlib

    previous = matplotlib.get_backend()  # before importing ipympl, which switches the backend
    pytest.importorskip("ipympl")
    matplotlib.use("module://ipympl.backend_nbagg")
    try:
        e = explorer("nadam", surface="saddle")
        assert e.view is e.figure.canvas
        e.controls["learning_rate"].value = 0.02
        assert e.result.optimizer.learning_rate == 0.02 and e.message.value == ""
        plt.close(e.figure)
    finally:
        matplotlib.use(previous)


# ---------------------------------------------------------------------------------------------
# The schedule explorer


def schedule_state(e):
    return (
        np.array(e._rate_line.get_ydata()),
        {k: np.array(a.line.get_xydata()) for k, a in e._paths.items()},
        e.to_png(),
    )


SCHEDULE_MOVES = {
    "constant": {
        "learning_rate": 0.1,
        "steps": 300,
        "noise": 1.0,
        "surface": "himmelblau",
        "optimizer": "momentum",
    },
    "power": {"decay_steps": 30.0, "power": 2.0},
    "exponential": {"decay_steps": 50.0, "rate": 0.5},
    "piecewise": {"boundaries": "50, 300"},
    "1cycle": {"max_rate": 0.18},
}


@pytest.mark.parametrize("kind", list(SCHEDULE_MOVES))
def test_every_schedule_control_changes_what_is_drawn(kind):
    from helpers import schedules

    e = widgets.schedule_explorer(kind)
    for key, value in SCHEDULE_MOVES[kind].items():
        before = schedule_state(e)
        e.controls[key].value = value
        assert e.message.value == "", e.message.value
        after = schedule_state(e)
        assert after[2] != before[2], f"{key} = {value} changed nothing"
    steps = e.controls["steps"].value
    np.testing.assert_allclose(
        e.rates, schedules.evaluate(kind, np.arange(steps), **e.parameters())
    )
    np.testing.assert_allclose(e._rate_line.get_ydata(), e.rates)


def test_the_schedule_dropdown_switches_formula_and_controls():
    e = widgets.schedule_explorer("exponential")
    assert (
        e.controls["power"].layout.display == "none"
        or e.controls["schedule"].value == "exponential"
    )
    e.controls["schedule"].value = "power"
    assert (
        e.controls["power"].layout.display is None and e.controls["rate"].layout.display == "none"
    )
    assert e.summary().startswith("power schedule")


def test_a_decaying_rate_beats_a_constant_one_under_noise():
    e = widgets.schedule_explorer("exponential", "gd", "bowl", learning_rate=0.15, noise=3.0)
    constant, scheduled = e._runs["constant"], e._runs["scheduled"]
    assert scheduled.final_loss < constant.final_loss / 5


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("learning_rate", 0.0, "η0 must be > 0"),
        ("decay_steps", -5.0, "s must be > 0"),
        ("power", 0.0, "c must be > 0"),
        ("rate", 1.5, "the decay rate must be between 0 and 1"),
        ("noise", -1.0, "the gradient noise σ must be ≥ 0"),
        ("steps", 0, "steps must be a whole number ≥ 1"),
    ],
)
def test_bad_schedule_values_give_a_message(key, value, message):
    kind = {"power": "power", "rate": "exponential", "decay_steps": "exponential"}.get(
        key, "exponential"
    )
    e = widgets.schedule_explorer(kind)
    before = e.to_png()
    e.controls[key].value = value
    assert message in html.unescape(e.message.value) and e.to_png() == before


@pytest.mark.parametrize("text", ["300, 100", "a, b", "", "-5"])
def test_bad_boundaries(text):
    e = widgets.schedule_explorer("piecewise")
    e.controls["boundaries"].value = text
    assert "boundaries must be" in e.message.value


def test_schedule_moves_redraw_in_place():
    e = widgets.schedule_explorer("power")
    figures = plt.get_fignums()
    full = e.redraws["full"]
    for s in np.geomspace(10, 1000, 60):
        e.controls["decay_steps"].value = float(s)
    assert plt.get_fignums() == figures and e.redraws["full"] - full <= 8
    assert e.redraws["blit"] >= 50

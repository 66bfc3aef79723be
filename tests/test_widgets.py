"""The live explorer, driven in code: every control changes what is drawn, bad values give a
message and no exception, and moves redraw in place without leaking figures."""

import html
import io
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


def mixed_moves(n=100):
    """n moves that cycle through η, β, steps, start, compare and surface."""
    kinds = ("learning_rate", "momentum", "steps", "start", "learning_rate", "compare")
    kinds += ("momentum", "surface")
    surfaces = ("rosenbrock", "beale", "himmelblau")
    compares = ((), ("gd",), ("gd", "adam"))
    etas = np.geomspace(2e-4, 4e-3, 7)
    moves = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        value = {
            "learning_rate": float(etas[i % 7]),
            "momentum": (0.5, 0.8, 0.9, 0.95)[i % 4],
            "steps": 150 + (i * 7) % 100,
            "start": "next preset",
            "compare": compares[(i // 8) % 3],
            "surface": surfaces[(i // 8 + 1) % 3],
        }[kind]
        moves.append((kind, value))
    return moves


def test_a_hundred_moves_of_every_control_redraw_in_place(monkeypatch):
    e = explorer("momentum", surface="rosenbrock", compare=("gd",))
    figure, first_contours = e.figure, list(e._contours)
    figures_before = plt.get_fignums()
    computed = []
    draw_surface = plotting.draw_surface

    def counted(surface, *args, **kwargs):
        computed.append(surface.name)
        return draw_surface(surface, *args, **kwargs)

    monkeypatch.setattr(plotting, "draw_surface", counted)
    moves = mixed_moves()
    assert {kind for kind, _ in moves} == {
        "learning_rate",
        "momentum",
        "steps",
        "start",
        "compare",
        "surface",
    }
    for kind, value in moves:
        control = e.controls[kind]
        if value == "next preset":
            points = [v for _, v in control.presets.options if v is not None]
            value = points[(points.index(control.value) + 1) % len(points)]
        control.value = value
        assert e.message.value == "", f"{kind} = {value}: {e.message.value}"
    assert plt.get_fignums() == figures_before, "no figure left behind"
    assert e.figure is figure, "the same figure"
    assert sorted(computed) == ["beale", "himmelblau"], "each surface's contours made once"
    e.controls["surface"].value = "rosenbrock"
    assert e._contours == first_contours, "and kept for coming back"
    assert e.redraws["blit"] + e.redraws["full"] + e.redraws["kept"] >= 100


def test_moving_eta_blits():
    e = explorer("adam", surface="rosenbrock", compare=("rmsprop", "gd"))
    full_before = e.redraws["full"]
    for value in np.geomspace(0.01, 1.0, 100):
        e.controls["learning_rate"].value = float(value)
    assert e.redraws["blit"] >= 90 and e.redraws["full"] - full_before <= 10


def test_a_steps_move_blits_and_keeps_the_view():
    e = explorer("adam", surface="rosenbrock")
    view = (e.ax_loss.get_xlim(), e.ax_loss.get_ylim(), e.ax_state.get_ylim())
    full, blits = e.redraws["full"], e.redraws["blit"]
    for steps in (*range(150, 201, 5), *range(195, 59, -5)):
        e.controls["steps"].value = steps
        assert e.message.value == ""
        assert len(e._loss_lines["adam"].get_xdata()) == steps + 1 == len(e.result.path)
    assert (e.ax_loss.get_xlim(), e.ax_loss.get_ylim(), e.ax_state.get_ylim()) == view
    assert e.redraws["full"] == full and e.redraws["blit"] == blits + 39
    e.controls["steps"].value = 260  # past the end of the view: it grows, to a round number
    assert e.ax_loss.get_xlim() == e.ax_state.get_xlim() == (0, 300)
    assert e.redraws["full"] == full + 1
    e.controls["steps"].value = 70  # less than a quarter of the view: it shrinks
    assert e.ax_loss.get_xlim() == (0, 80)


@pytest.mark.parametrize(
    "start",
    [(1e200, 1e200), (1e7, 0.0), (-1e300, 1.0), (float("inf"), 0.0)],
)
def test_an_absurd_start_gives_a_message_and_keeps_the_last_good_plot(start):
    e = explorer("adam", surface="rosenbrock")
    before = drawn(e)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e.controls["start"].value = start  # no exception
    assert "the start point must" in html.unescape(e.message.value)
    assert drawn(e)[1] == before[1] and e.view.value == before[1]
    e.controls["start"].value = (-1.5, 2.5)
    assert e.message.value == "" and tuple(e.result.path[0]) == (-1.5, 2.5)
    e.controls["start"].x.value = start[0]  # typed into the box
    assert "the start point must" in html.unescape(e.message.value)


@pytest.mark.parametrize(
    "name, surface, key, value",
    [
        ("momentum", "bowl", "learning_rate", 1e300),  # overflows in the limits and the ticks
        ("gd", "plateau", "learning_rate", 1e308),  # a bounded loss: far, but not diverged
        ("adam", "beale", "epsilon", 1e300),
        ("adagrad", "bowl", "initial_accumulator_value", float("nan")),  # a linear slider
        ("rmsprop", "saddle", "rho", 1 - 1e-16),
        ("adam", "rosenbrock", "steps", 10**30),
        ("gd", "beale", "start", (1e6, -1e6)),
    ],
)
def test_absurd_values_neither_raise_nor_warn(name, surface, key, value):
    e = explorer(name, surface=surface, compare=("adam",) if name != "adam" else ("gd",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e.controls[key].value = value
    assert "could not be drawn" not in e.message.value, e.message.value
    e.reset()
    assert e.message.value == ""


def test_an_unexpected_error_becomes_the_message_and_the_last_good_plot_stays(monkeypatch):
    e = explorer("gd", surface="bowl")
    before = drawn(e)
    state_series = plotting.state_series
    calls = []

    def broken_once(result):  # fails after the paths have moved: they must be put back
        calls.append(result)
        if len(calls) == 1:
            raise RuntimeError("something broke")
        return state_series(result)

    monkeypatch.setattr(plotting, "state_series", broken_once)
    e.controls["learning_rate"].value = 0.02  # no exception
    assert "could not be drawn (RuntimeError: something broke)" in html.unescape(e.message.value)
    after = drawn(e)
    assert after[1] == before[1], "the last good plot stays"
    np.testing.assert_array_equal(after[0]["gd"][1], before[0]["gd"][1])
    assert e.result.optimizer.learning_rate == 0.05, "and .result is the run it shows"
    e.controls["learning_rate"].value = 0.03
    assert e.message.value == "" and e.result.optimizer.learning_rate == 0.03


@pytest.mark.parametrize(
    "key, value",
    [("learning_rate", 0.0), ("beta_2", 1.0), ("epsilon", 0.0), ("beta_1", -0.5)],
)
def test_bad_hyperparameters_at_creation_give_the_message(key, value):
    e = explorer("adam", surface="rosenbrock", **{key: value})  # no exception
    moved = explorer("adam", surface="rosenbrock")
    moved.controls[key].value = value
    assert e.message.value == moved.message.value != ""
    assert e.result is None and e.ghosts == {}
    assert not any(a.line.get_visible() for a in e._paths.values()), "no path drawn"
    assert e.view.value[:8] == b"\x89PNG\r\n\x1a\n", "but the surface is shown"
    assert "nothing to show" in e.summary() and e.readout.value == ""
    assert e._repr_mimebundle_()["image/png"][:4] == b"\x89PNG"
    e.controls[key].value = moved.initial[key]
    assert e.message.value == "" and e._paths["adam"].line.get_visible()
    assert drawn(e)[1] == explorer("adam", surface="rosenbrock").to_png()
    e.reset()
    assert e.message.value == moved.message.value


def test_a_run_diverging_from_far_outside_the_window_is_labelled():
    e = explorer("gd", surface="rosenbrock", start=(1e5, 1e5))
    assert e.result.diverged and e.message.value == ""
    artists = e._paths["gd"]
    assert artists.note.get_visible() and artists.cross.get_visible()
    assert artists.note.get_text() == f"diverged at step {e.result.diverged_at}"
    (x, y), (xmin, xmax, ymin, ymax) = artists.cross.get_xydata()[0], e._surface.window
    assert xmin <= x <= xmax and ymin <= y <= ymax, "inside the window"
    assert np.isclose([x, y], [xmax, ymax]).any(), "on its border, on the side of the start"
    assert np.allclose(artists.note.xy, (x, y))
    assert f"at step {e.result.diverged_at}" in e.readout.value
    assert "diverged at step" in e.summary()


def view_of(e):
    axes = (e.ax_surface, e.ax_loss, e.ax_state)
    lines = {n: np.array(line.get_xydata()) for n, line in e._loss_lines.items()}
    return [(ax.get_xlim(), ax.get_ylim()) for ax in axes], lines, drawn(e)


def test_reset_gives_back_the_first_picture():
    e = explorer("momentum", surface="rosenbrock", compare=("gd",))
    first = view_of(e)
    e.controls["surface"].value = "beale"
    e.controls["compare"].value = ("gd", "adam")
    e.controls["steps"].value = 500
    e.controls["surface"].value = "rosenbrock"
    e.controls["compare"].value = ("gd",)
    e.controls["steps"].value = 200
    for eta in (0.01, 1e-5, 0.0005):  # the same runs as at first, with other η: limits grow
        e.controls["learning_rate"].value = eta
    e.controls["momentum"].value = 0.5
    assert view_of(e)[0] != first[0]
    e.reset()
    again = view_of(e)
    assert again[0] == first[0], "the same axis limits"
    for name, line in first[1].items():
        np.testing.assert_array_equal(again[1][name], line)
    assert again[2][1] == first[2][1], "the same picture"
    assert e.summary() == explorer("momentum", surface="rosenbrock", compare=("gd",)).summary()


def test_a_resized_or_saved_figure_is_drawn_right():
    def full_draw(e):
        """The frame a full draw of the same state gives, to compare with."""
        e._background, e._backgrounds = None, {}
        e._render()
        return e.to_png()

    e = explorer("adam", surface="bowl")
    control = e.controls["learning_rate"]
    control.value, control.value = 0.1, 0.2  # the limits now hold both: moves between blit
    full = e.redraws["full"]
    e.figure.set_size_inches(8, 4)  # as ipympl does when the frontend resizes the canvas
    control.value = 0.1
    assert e.message.value == "" and e.to_png() == full_draw(e)
    e.figure.savefig(io.BytesIO(), format="png", dpi=150)
    control.value = 0.2
    assert e.message.value == "" and e.to_png() == full_draw(e)
    control.value = 0.1
    assert e.redraws["full"] == full + 4  # on resizing, after savefig, 2 by full_draw; no more


def test_the_loss_panel_has_a_step_axis_label():
    for show_state in (True, False):
        e = explorer("adam", show_state=show_state)
        assert e.ax_loss.get_xlabel() == "step"


IPYMPL = """
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import matplotlib.pyplot as plt
import numpy as np
from ipympl.backend_nbagg import Canvas
from helpers.widgets import explorer

for _ in range(5):  # a cell run five times
    e = explorer("nadam", surface="saddle")
assert plt.get_fignums() == [], plt.get_fignums()
canvas = e.figure.canvas
assert e.view is canvas and isinstance(canvas, Canvas) and canvas.manager is not None
frames = []
canvas.send_binary = frames.append  # what would go to the frontend
canvas.manager.web_sockets = [canvas]
moves = e.redraws["blit"] + e.redraws["full"]
e.controls["learning_rate"].value = 0.02
assert e.result.optimizer.learning_rate == 0.02 and e.message.value == ""
assert e.redraws["blit"] + e.redraws["full"] == moves + 1 and frames, "drawn and sent"
shown = np.asarray(canvas.buffer_rgba()).copy()
for message in ("initialized", "refresh", "draw"):  # the frontend asks for a full draw
    canvas._handle_message(canvas, {"type": message}, [])
assert (np.asarray(canvas.buffer_rgba()) == shown).all(), "the paths are still drawn"
before, sent = e.redraws["blit"] + e.redraws["full"], len(frames)
e.controls["learning_rate"].value = 0.03
assert e.redraws["blit"] + e.redraws["full"] == before + 1 and len(frames) > sent, "drawn, sent"
assert plt.get_fignums() == []
print("ok")
"""


def test_ipympl_uses_the_figure_canvas_and_leaves_no_figure_in_pyplot(ipympl_script):
    ipympl_script(IPYMPL)  # in a fresh process, under ipympl


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


SCHEDULE_OWN = ("decay_steps", "power", "rate", "boundaries", "max_rate")


def shown(e):
    return {k for k in SCHEDULE_OWN if e.controls[k].layout.display != "none"}


@pytest.mark.parametrize("kind", list(widgets.SCHEDULE_CONTROLS))
def test_a_new_schedule_explorer_shows_only_its_schedule_controls(kind):
    e = widgets.schedule_explorer(kind)
    assert shown(e) == set(widgets.SCHEDULE_CONTROLS[kind]) & set(SCHEDULE_OWN)


def test_the_schedule_dropdown_switches_formula_and_controls():
    e = widgets.schedule_explorer("exponential")
    assert shown(e) == {"decay_steps", "rate"}
    e.controls["schedule"].value = "power"
    assert shown(e) == {"decay_steps", "power"}
    assert e.summary().startswith("power schedule")


def test_schedule_reset_redraws_once_and_gives_back_the_first_picture():
    e = widgets.schedule_explorer("power")
    first = schedule_state(e)
    e.controls["schedule"].value = "exponential"
    e.controls["decay_steps"].value = 20.0
    e.controls["noise"].value = 0.5
    calls = []
    update = e.update
    e.update = lambda: (calls.append(1), update())
    e.reset()
    assert len(calls) == 1
    again = schedule_state(e)
    np.testing.assert_array_equal(again[0], first[0])
    assert again[2] == first[2] and shown(e) == {"decay_steps", "power"}


def test_a_failing_schedule_update_gives_a_message_not_an_exception(monkeypatch):
    e = widgets.schedule_explorer("exponential")
    before = e.to_png()

    def broken(*args, **kwargs):
        raise FloatingPointError("overflow in the schedule")

    monkeypatch.setattr(widgets.rate_explorer, "_evaluate_schedule", broken)
    e.controls["rate"].value = 0.5  # must not raise
    assert "FloatingPointError: overflow in the schedule" in html.unescape(e.message.value)
    assert e.to_png() == before
    monkeypatch.undo()
    e.controls["rate"].value = 0.4
    assert e.message.value == ""


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


def test_the_schedule_explorer_keeps_its_axes_by_the_explorer_rule():
    """One axis-limit rule for both explorers: a step axis of round width kept while the run
    fills more than a quarter of it, log axes that only grow while the same thing is shown."""
    e = widgets.schedule_explorer("power")
    assert e.ax_rate.get_xlim() == e.ax_loss.get_xlim() == (0, 400)
    e.controls["steps"].value = 300  # fills more than a quarter of 400: kept
    assert e.ax_rate.get_xlim() == e.ax_loss.get_xlim() == (0, 400)
    e.controls["steps"].value = 1000
    assert e.ax_rate.get_xlim() == (0, 1000)
    e.controls["steps"].value = 90  # less than a quarter: a round width that holds it
    assert e.ax_rate.get_xlim() == e.ax_loss.get_xlim() == (0, 100)
    low, high = e.ax_rate.get_ylim()
    e.controls["learning_rate"].value = 1e-4  # a lower η0: the rate axis grows down
    assert e.ax_rate.get_ylim()[0] < low and e.ax_rate.get_ylim()[1] == high
    e.controls["learning_rate"].value = e.initial["learning_rate"]  # back: it stays
    assert e.ax_rate.get_ylim()[0] < low

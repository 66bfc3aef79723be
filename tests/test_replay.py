"""The explorer's replay: a play button and a step slider (core ipywidgets), arrows at the current
point that are the run's own forces at that step, the compared runs in lockstep, a range that
follows a rerun, and frames that index into the runs instead of computing them again."""

import importlib.util
import os
import subprocess
import sys

import ipywidgets as W
import numpy as np
import pytest
from widget_tree import CORE, walk

from helpers import portable, registry
from helpers.plotting import visible_path
from helpers.widgets import explorer, path_explorer, replay


def shown(e, name):
    """The arrows of one run as drawn: {arrow: (tail, tip) or None}."""
    return {k: None if v is None else np.array(v) for k, v in e.replay.arrows[name].shown.items()}


def vector(arrow):
    tail, tip = arrow
    return tip - tail


def assert_arrow(arrow, expected):
    """The arrow drawn is ``expected`` (and a zero vector draws none)."""
    if np.allclose(expected, 0, rtol=0, atol=1e-12):
        assert arrow is None
    else:
        np.testing.assert_allclose(vector(arrow), expected)


def current_point(e, name):
    artists = e._paths[name]
    if artists.end.get_visible():
        return np.array(artists.end.get_xydata())[-1]
    return np.array(artists.cross.get_xydata())[-1]


def test_play_and_step_are_core_widgets_linked_in_the_kernel():
    e = explorer("momentum", surface="rosenbrock", compare=("gd",))
    play, slider = e.replay.play, e.replay.slider
    assert type(play) is W.Play and type(slider) is W.IntSlider
    tree = walk(e)
    assert play in tree and slider in tree
    assert {w._model_module for w in tree} <= CORE
    assert slider.max == play.max == e.result.steps and slider.value == e.result.steps
    play.value = 17  # as the play button moves it: the slider, and the figure, follow
    assert slider.value == 17 and e.replay.step == 17
    np.testing.assert_allclose(current_point(e, "momentum"), e.result.path[17])
    slider.value = 5  # scrubbing back
    assert play.value == 5
    np.testing.assert_allclose(current_point(e, "momentum"), e.result.path[5])


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov", "rmsprop", "adam", "adamax"])
def test_the_arrows_are_the_runs_forces_at_that_step(name):
    e = explorer(name, surface="bowl", steps=60, learning_rate=0.02)
    assert e.message.value == ""
    result = e.result
    eta = float(result.optimizer.learning_rate)
    for t in (0, 1, 7, 31, 59):
        e.replay.slider.value = t
        arrows = shown(e, name)
        point = result.path[t]
        np.testing.assert_allclose(current_point(e, name), point)
        assert len(e._paths[name].line.get_xdata()) == t + 1, "the path up to step t"
        np.testing.assert_allclose(arrows["gradient"][0], point)
        gradient = -eta * result.surface.gradient(point)
        np.testing.assert_allclose(vector(arrows["gradient"]), gradient)
        np.testing.assert_allclose(vector(arrows["step"]), result.path[t + 1] - point)
        kind = registry.family(name)
        if name in ("momentum", "nesterov"):
            m = result.state("momentum")[t]
            assert_arrow(arrows["memory"], result.optimizer.momentum * m)
        elif "beta_1" in result.optimizer.hyperparameters:
            m = result.state("momentum")[t + 1]
            m_hat = m / (1 - portable.power(result.optimizer.beta_1, t + 1))
            assert_arrow(arrows["memory"], -eta * m_hat)
        else:
            assert arrows["memory"] is None, f"{name} carries no gradient memory"
        if name == "momentum" and t > 0:  # m ← βm − η∇J, θ ← θ + m: the step is the sum of the two
            np.testing.assert_allclose(
                vector(arrows["step"]), vector(arrows["gradient"]) + vector(arrows["memory"])
            )
        # The bars: the state panel's quantity, at the step from θₜ.
        series = np.column_stack([line.get_ydata() for line in e._state_lines])
        at = t if kind == "sgd" and name != "gd" else t + 1
        heights = [bar.get_y() + bar.get_height() for bar in e.replay.bars.bars]
        for visible, height, value in zip(
            [b.get_visible() for b in e.replay.bars.bars], heights, series[at]
        ):
            if np.isfinite(value) and value > e.ax_state.get_ylim()[0]:
                assert visible and np.isclose(height, value)


def test_the_arrows_change_with_the_step():
    e = explorer("adam", surface="beale")
    e.replay.slider.value = 3
    first = shown(e, "adam")
    e.replay.slider.value = 4
    second = shown(e, "adam")
    for arrow in ("gradient", "memory", "step"):
        assert not np.allclose(first[arrow], second[arrow]), arrow


def test_the_legend_names_the_arrows():
    e = explorer("momentum", surface="rosenbrock", compare=("adam",))
    texts = [t.get_text() for t in e.replay._legend.get_texts()]
    assert any("η∇J" in t for t in texts) and any("βm" in t for t in texts)
    assert any("m̂" in t for t in texts) and any("θₜ₊₁ − θₜ" in t for t in texts)
    assert e.ax_surface.get_legend() is not e.replay._legend, "beside the paths' legend"


def test_compared_runs_replay_in_lockstep_and_an_ended_run_shows_its_last_point():
    # Gradient descent above its stability limit diverges; Adam (its own η) does not.
    e = explorer("gd", surface="bowl", learning_rate=0.25, compare=("adam", "momentum"))
    assert e.result.diverged and not e.ghosts["adam"].diverged
    last = e.result.diverged_at
    for t in (0, 2, last - 1, last, last + 5, e.result.steps // 2):
        e.replay.slider.value = t
        for name, run in {"gd": e.result, **e.ghosts}.items():
            k = min(t, last if run.diverged else run.steps)
            arrows = shown(e, name)
            if arrows["gradient"] is not None:
                np.testing.assert_allclose(arrows["gradient"][0], run.path[k])
            if not run.diverged or t < last:
                np.testing.assert_allclose(current_point(e, name), run.path[k])
        gd = e._paths["gd"]
        if t >= last:  # the whole diverged run, with its mark, as without a replay
            full, mark = visible_path(e.result.path, e._surface.window, True)
            np.testing.assert_allclose(np.array(gd.line.get_xydata()), full)
            assert gd.cross.get_visible() and not gd.end.get_visible()
            assert shown(e, "gd")["step"] is None, "no step after the end"
        else:
            assert not gd.cross.get_visible()


def test_the_range_follows_a_rerun():
    e = explorer("adam", surface="rosenbrock", steps=200)
    slider, play = e.replay.slider, e.replay.play
    slider.value = 50
    e.controls["steps"].value = 120
    assert (slider.max, play.max, slider.value) == (120, 120, 50)
    e.controls["steps"].value = 30  # shorter than the step shown: clamped to the end
    assert e.message.value == "" and (slider.max, play.max, slider.value) == (30, 30, 30)
    e.controls["steps"].value = 300  # at the end, it stays at the end
    assert (slider.max, play.max, slider.value) == (300, 300, 300)
    np.testing.assert_allclose(current_point(e, "adam"), e.result.final_point)
    slider.value = 10
    e.controls["learning_rate"].value = 0.05  # a rerun keeps the step, on the new run
    assert slider.value == 10 and e.result.optimizer.learning_rate == 0.05
    np.testing.assert_allclose(current_point(e, "adam"), e.result.path[10])
    e.controls["steps"].value = 0  # a bad value: the message, and the last good replay stays
    assert "steps must be" in e.message.value and slider.max == 300 and slider.value == 10
    assert play.step >= 1 and play.step * replay.FRAMES >= slider.max


def test_reset_puts_the_replay_back_at_the_end():
    e = explorer("adam", surface="rosenbrock")
    first = e.to_png()
    e.replay.slider.value = 12
    e.controls["learning_rate"].value = 0.01
    e.reset()
    assert e.replay.slider.value == e.replay.slider.max == e.result.steps
    assert e.to_png() == first


def test_frames_do_not_rerun_the_optimizer(monkeypatch):
    e = explorer("momentum", surface="rosenbrock", compare=("gd", "adam"))
    runs, computed = [], []
    monkeypatch.setattr(path_explorer, "run", lambda *a, **k: runs.append(a))
    forces = replay.forces
    monkeypatch.setattr(replay, "forces", lambda *a, **k: computed.append(a) or forces(*a, **k))
    result, ghosts, full = e.result, dict(e.ghosts), e.redraws["full"]
    before = e.to_png()
    for t in range(0, e.result.steps + 1, 7):
        e.replay.slider.value = t
    assert runs == [] and computed == [], "frames index into the runs computed before"
    assert e.result is result and e.ghosts == ghosts
    assert e.redraws["full"] == full, "every frame blits"
    assert e.replay.frames == len(range(0, e.result.steps + 1, 7))
    assert e.to_png() != before
    e.replay.slider.value = e.result.steps  # back at the end: the picture of the whole runs
    assert e.to_png() == before


def test_a_rerun_computes_the_forces_of_changed_runs_only(monkeypatch):
    e = explorer("momentum", surface="rosenbrock", compare=("adam",))
    computed = []
    forces = replay.forces
    monkeypatch.setattr(replay, "forces", lambda run, *a: computed.append(run) or forces(run, *a))
    e.controls["momentum"].value = 0.8  # Adam (the other family) does not move with β
    assert [r.optimizer.kind for r in computed] == ["momentum"]


IPYMPL = """
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import numpy as np
from helpers.widgets import explorer

e = explorer("adam", surface="beale", compare=("momentum",))
canvas = e.figure.canvas
frames = []
canvas.send_binary = frames.append  # what would go to the frontend
canvas.manager.web_sockets = [canvas]
e.replay.slider.value = 10
assert frames and e.message.value == "" and e.replay.frames == 1, "drawn and sent"
shown = np.asarray(canvas.buffer_rgba()).copy()
for message in ("initialized", "refresh", "draw"):  # the frontend asks for a full draw
    canvas._handle_message(canvas, {"type": message}, [])
assert (np.asarray(canvas.buffer_rgba()) == shown).all(), "the frame at step 10 stays"
print("ok")
"""


def test_replay_frames_on_the_ipympl_canvas():
    """In a fresh process: importing ipympl switches matplotlib's backend for good."""
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    done = subprocess.run(
        [sys.executable, "-c", IPYMPL],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]

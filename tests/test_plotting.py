"""Static figures: what they draw, not how they look."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import optimizers, plotting, surfaces, trajectories


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_visible_path_cuts_a_divergence_where_it_leaves_the_window():
    window = (-1.0, 1.0, -1.0, 1.0)
    path = np.array([[0.0, 0.0], [0.5, 0.0], [2.0, 0.0], [1e200, 0.0], [np.inf, np.nan]])
    shown, mark = plotting.visible_path(path, window, diverged=True)
    assert np.isfinite(shown).all() and np.abs(shown).max() <= 3.0
    np.testing.assert_allclose(mark, [1.0, 0.0])  # the border, between 0.5 and 2.0
    shown, mark = plotting.visible_path(path[:2], window, diverged=False)
    assert mark is None and len(shown) == 2


@pytest.mark.parametrize(
    "start, mark",
    [((1e5, 1e5), (1.0, 1.0)), ((-50.0, 0.0), (-1.0, 0.0)), ((0.0, -2.5), (0.0, -1.0))],
)
def test_visible_path_marks_a_divergence_from_far_outside_on_the_border(start, mark):
    window = (-1.0, 1.0, -1.0, 1.0)
    path = np.array([start, [1e200, 1e200], [np.nan, np.nan]])
    shown, where = plotting.visible_path(path, window, diverged=True)
    assert np.isfinite(shown).all() and np.abs(shown).max(initial=0) <= 3.0
    np.testing.assert_allclose(where, mark)  # the border, on the side of the start
    shown, where = plotting.visible_path(path, window, diverged=False)
    assert where is None
    assert plotting.visible_path(path[2:], window, diverged=True)[1] is None  # nothing finite


def test_a_divergence_note_stays_inside_the_window():
    rosenbrock = surfaces.get("rosenbrock")
    result = trajectories.run(optimizers.get("gd", learning_rate=0.002), rosenbrock, (1e5, 1e5))
    fig, ax = plt.subplots()
    plotting.draw_surface(rosenbrock, ax)
    artists = plotting.draw_path(ax, result)
    assert artists.note.get_visible() and artists.note.get_text() == "diverged at step 1"
    np.testing.assert_allclose(artists.note.xy, artists.cross.get_xydata()[0])
    fig.canvas.draw()
    box = artists.note.get_window_extent().transformed(ax.transData.inverted())
    xmin, xmax, ymin, ymax = rosenbrock.window
    assert xmin <= box.x0 and box.x1 <= xmax and ymin <= box.y0 and box.y1 <= ymax


def test_plot_paths_uses_course_colours_or_given_ones_and_the_title():
    bowl = surfaces.get("bowl", condition=10)
    runs = {
        "GD": trajectories.run(optimizers.get("gd", learning_rate=0.1), bowl, steps=20),
        "Adam": trajectories.run(optimizers.get("adam", learning_rate=0.1), bowl, steps=20),
    }
    fig, axes = plotting.plot_paths(runs, title="two optimizers")
    assert axes[0].get_title() == "two optimizers"
    labelled = {line.get_label(): line for line in axes[0].lines}
    assert labelled["GD"].get_color() == plotting.COLORS["gd"]
    assert labelled["Adam"].get_color() == plotting.COLORS["adam"]
    fig, axes = plotting.plot_paths(runs, colors=["#000000", "#ff0000"])
    labelled = {line.get_label(): line for line in axes[0].lines}
    assert labelled["Adam"].get_color() == "#ff0000"
    with pytest.raises(ValueError, match="2 runs but 1"):
        plotting.plot_paths(runs, colors=["#000000"])


def test_stability_map_marks_divergence_past_the_limit():
    bowl = surfaces.get("bowl", condition=10)
    rates = np.linspace(0.05, 0.3, 26)  # gradient descent's limit is 2/λmax = 0.2
    fig, ax, data = plotting.stability_map(
        "gd",
        bowl,
        x=("learning_rate", rates),
        y=("momentum", np.array([0.0, 0.5])),
        xscale="linear",
        vmin=-12,
        vmax=2,
    )
    plain = data.diverged[0]
    assert not plain[rates < 0.199].any() and plain[rates > 0.201].all()
    assert data.best()["momentum"] in (0.0, 0.5)
    assert ax.collections[0].get_clim() == (-12, 2)


def test_learning_curves_styles_tell_runs_apart():
    histories = {
        "SGD": {"loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]},
        "SGD, slower": {"loss": [1.0, 0.8], "val_accuracy": [0.5, 0.55]},
    }
    fig, axes = plotting.learning_curves(histories, styles={"SGD, slower": {"ls": "--"}})
    styles = [line.get_linestyle() for line in axes[0].lines]
    assert styles == ["-", "--"]
    np.testing.assert_array_equal(axes[1].lines[1].get_ydata(), [0.5, 0.55])


@pytest.mark.parametrize("name", ["gd", "momentum", "adagrad", "adam"])
def test_state_panel_draws_the_optimizers_state(name):
    run = trajectories.run(optimizers.get(name), "rosenbrock", steps=30)
    fig, axes = plotting.state_panel(run)
    drawn = [line for ax in np.atleast_1d(axes) for line in ax.lines]
    assert drawn and all(len(line.get_xdata()) > 1 for line in drawn)


def test_lookahead_arrows_measure_the_gradient_at_theta_and_ahead_of_it():
    narrow = surfaces.get("bowl", condition=100)
    run = trajectories.run(optimizers.get("momentum", learning_rate=0.008), narrow, steps=20)
    ax, data = plotting.lookahead_arrows(run, steps=[2, 3, 4])
    beta = run.optimizer.momentum
    np.testing.assert_allclose(data["theta"], run.path[[2, 3, 4]])
    np.testing.assert_allclose(
        data["ahead"], run.path[[2, 3, 4]] + beta * run.states["momentum"][[2, 3, 4]]
    )
    np.testing.assert_allclose(data["grad_ahead"][0], narrow.gradient(data["ahead"][0]))
    assert len(ax.collections[-2:]) == 2  # one quiver at θ, one at θ + βm
    # across the valley the gradient measured ahead pushes back: its steep component has the
    # other sign wherever the momentum carries θ2 across the floor
    crossing = np.sign(data["theta"][:, 1]) != np.sign(data["ahead"][:, 1])
    assert crossing.any()
    assert np.all(
        np.sign(data["grad_here"][crossing, 1]) != np.sign(data["grad_ahead"][crossing, 1])
    )


def test_ema_weights_are_one_minus_beta_times_its_powers_and_add_up_to_one():
    ax, weights = plotting.ema_weights(betas=(0.5, 0.9), terms=400)
    np.testing.assert_allclose(weights[0.9][:3], [0.1, 0.09, 0.081])
    for w in weights.values():
        assert np.isclose(w.sum(), 1.0, atol=1e-12)
        assert np.all(np.diff(w) < 0)
    assert [
        line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")
    ] == [
        "β = 0.5",
        "β = 0.9",
    ]

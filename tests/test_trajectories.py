"""Trajectories: shapes, divergence, vectorized runs equal to single runs, seeded noise."""

import warnings

import numpy as np
import pytest

from helpers import optimizers as O
from helpers import surfaces
from helpers.trajectories import run


def test_shapes_of_a_single_run():
    result = run(O.get("adam", learning_rate=0.1), "rosenbrock", steps=50)
    assert result.path.shape == (51, 2) and result.losses.shape == (51,)
    assert result.grads.shape == (50, 2)
    assert result.states["momentum"].shape == (51, 2)
    assert result.states["iterations"].tolist() == list(range(51))
    np.testing.assert_array_equal(result.path[0], surfaces.get("rosenbrock").start)
    assert result.diverged_at is None and not result.diverged
    assert result.losses[-1] < result.losses[0]


def test_the_path_is_the_optimizer_applied_step_by_step():
    surface = surfaces.get("beale")
    optimizer = O.get("nadam", learning_rate=0.05)
    result = run(optimizer, surface, steps=30)
    params, state = surface.start, optimizer.init(surface.start)
    for k in range(30):
        params, state = optimizer.update(params, surface.gradient(params), state)
        np.testing.assert_allclose(result.path[k + 1], params, rtol=1e-12)
    assert result.losses[-1] == pytest.approx(surface.loss(params))


def test_gradient_descent_stability_limit_on_the_bowl():
    """η < 2/λmax converges, η > 2/λmax diverges: the limit of the course's first notebook."""
    bowl = surfaces.get("bowl", condition=10)
    below = run(O.get("gd", learning_rate=0.199), bowl, steps=2000)
    above = run(O.get("gd", learning_rate=0.201), bowl, steps=2000)
    assert below.diverged_at is None and below.final_loss < 1e-6
    assert above.diverged_at is not None
    assert np.isnan(above.path[above.diverged_at + 1 :]).all()
    assert np.isinf(above.final_loss)


class CountingSurface:
    """A bowl that counts gradient evaluations."""

    def __init__(self):
        self.surface = surfaces.get("bowl", condition=10)
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self.surface, name)

    def gradient(self, points):
        self.calls += 1
        return self.surface.gradient(points)


def test_nothing_is_computed_after_a_divergence_and_nothing_is_printed(monkeypatch):
    counting = CountingSurface()
    monkeypatch.setattr("helpers.trajectories.get_surface", lambda s: s)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or invalid-value warning would fail
        result = run(O.get("gd", learning_rate=5.0), counting, steps=10_000)
    assert result.diverged_at is not None and result.diverged_at < 100
    assert counting.calls == result.diverged_at


def test_a_huge_step_to_infinity_is_a_divergence_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run(O.get("momentum", learning_rate=10.0, momentum=0.99), "beale", steps=500)
    assert result.diverged_at is not None
    assert np.isfinite(result.final_point).all()


def test_many_starts_at_once_equal_single_runs():
    surface = surfaces.get("himmelblau")
    starts = np.array(surface.starts)
    optimizer = O.get("rmsprop", learning_rate=0.05)
    batch = run(optimizer, surface, start=starts, steps=80)
    assert batch.path.shape == (81, len(starts), 2)
    for i, start in enumerate(starts):
        single = run(optimizer, surface, start=start, steps=80)
        np.testing.assert_allclose(batch.path[:, i], single.path, rtol=1e-12)
        np.testing.assert_allclose(batch.states["velocity"][:, i], single.states["velocity"])


def test_one_start_of_a_batch_is_the_run_from_that_start():
    surface = surfaces.get("beale")
    starts = np.array(surface.starts)
    optimizer = O.get("adam", learning_rate=10.0)  # diverges from two of the starts
    batch = run(optimizer, surface, start=starts, steps=200)
    for i, start in enumerate(starts):
        single, picked = run(optimizer, surface, start=start, steps=200), batch.of_start(i)
        np.testing.assert_array_equal(picked.path, single.path)
        np.testing.assert_array_equal(picked.losses, single.losses)
        assert picked.diverged_at == single.diverged_at and picked.steps_to() == single.steps_to()
        np.testing.assert_array_equal(picked.state("momentum"), single.state("momentum"))
    with pytest.raises(ValueError, match="several start points"):
        run(optimizer, surface, steps=5).of_start(0)


def test_a_grid_of_hyperparameters_equals_single_runs():
    surface = surfaces.get("rosenbrock")
    rates = np.array([1e-4, 1e-3, 3e-3])[:, None]
    betas = np.array([0.0, 0.5, 0.9, 0.99])
    grid = run(O.get("momentum", learning_rate=rates, momentum=betas), surface, steps=150)
    assert grid.losses.shape == (151, 3, 4)
    assert grid.diverged_at.shape == (3, 4)
    for i, lr in enumerate(rates[:, 0]):
        for j, beta in enumerate(betas):
            single = run(O.get("momentum", learning_rate=lr, momentum=beta), surface, steps=150)
            np.testing.assert_allclose(grid.losses[:, i, j], single.losses, rtol=1e-12)
            expected = -1 if single.diverged_at is None else single.diverged_at
            assert grid.diverged_at[i, j] == expected
    assert (grid.diverged_at >= 0).any() and (grid.diverged_at < 0).any(), "both kinds in the grid"


@pytest.mark.parametrize("name", O.NAMES)
def test_every_optimizer_runs_on_a_grid(name):
    rates = np.logspace(-3, -1, 5)
    grid = run(O.get(name, learning_rate=rates), "bowl", steps=20, record_state=False)
    assert grid.losses.shape == (21, 5) and grid.states == {}
    single = run(O.get(name, learning_rate=rates[2]), "bowl", steps=20)
    np.testing.assert_allclose(grid.losses[:, 2], single.losses, rtol=1e-12)


def test_noise_is_seeded():
    optimizer = O.get("gd", learning_rate=0.05)
    a = run(optimizer, "bowl", steps=50, noise=0.5, seed=1)
    b = run(optimizer, "bowl", steps=50, noise=0.5, seed=1)
    c = run(optimizer, "bowl", steps=50, noise=0.5, seed=2)
    clean = run(optimizer, "bowl", steps=50)
    np.testing.assert_array_equal(a.path, b.path)
    assert np.abs(a.path - c.path).max() > 1e-3
    assert np.abs(a.path - clean.path).max() > 1e-3
    assert np.std(
        a.grads[:, 0] - surfaces.get("bowl").gradient(a.path[:-1])[:, 0]
    ) == pytest.approx(0.5, rel=0.3)


def test_steps_to_tolerance():
    bowl = surfaces.get("bowl", condition=10)
    result = run(O.get("gd", learning_rate=0.1), bowl, steps=400)
    k = result.steps_to(1e-6)
    assert result.gap[k] <= 1e-6 and result.gap[k - 1] > 1e-6
    assert (result.gap[k:] <= 1e-6).all()
    assert run(O.get("gd", learning_rate=1e-4), bowl, steps=10).steps_to(1e-6) is None
    batch = run(O.get("gd", learning_rate=np.array([0.1, 1e-4])), bowl, steps=400)
    assert batch.steps_to(1e-6).tolist() == [k, -1]


def test_bad_arguments():
    with pytest.raises(ValueError, match="start must have shape"):
        run("gd", "bowl", start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="steps must be"):
        run("gd", "bowl", steps=-1)


def test_float32_runs_stay_float32():
    result = run(O.get("adam", learning_rate=0.01), "beale", steps=20, dtype=np.float32)
    assert result.path.dtype == np.float32 and result.states["velocity"].dtype == np.float32


@pytest.mark.parametrize("name", ["nesterov", "rmsprop", "nadam"])
def test_run_keras_follows_run_in_float32(name, keras):
    from helpers.trajectories import max_difference, run_keras

    optimizer = O.get(name, learning_rate=0.01)
    ours = run(optimizer, "himmelblau", steps=60, dtype=np.float32)
    theirs = run_keras(optimizer, "himmelblau", steps=60)
    assert theirs.path.shape == ours.path.shape == (61, 2)
    assert max_difference(ours.path, theirs.path) < 1e-5
    assert (
        max_difference(ours.path, run(optimizer, "himmelblau", steps=60, start=[0.0, 0.1]).path)
        > 0.01
    )


@pytest.mark.parametrize("rate", [0.25, 0.5])  # just above gradient descent's 2/λ = 0.2 on the bowl
def test_run_and_run_keras_diverge_by_one_rule(rate, keras):
    from helpers.trajectories import run_keras

    optimizer = O.get("gd", learning_rate=rate)
    ours = run(optimizer, "bowl", steps=200, dtype=np.float32)
    theirs = run_keras(optimizer, "bowl", steps=200)
    assert ours.diverged_at is not None and theirs.diverged_at == ours.diverged_at
    assert theirs.bound == ours.bound and np.isfinite(theirs.losses[theirs.diverged_at])
    assert np.isnan(theirs.path[theirs.diverged_at + 1 :]).all()
    np.testing.assert_array_equal(theirs.final_point, ours.final_point)


def test_without_the_path_only_losses_and_the_last_point_are_kept():
    rates = np.array([1e-4, 1e-3, 5e-3, 0.05])
    full = run(O.get("momentum", learning_rate=rates), "rosenbrock", steps=300)
    light = run(O.get("momentum", learning_rate=rates), "rosenbrock", steps=300, keep_path=False)
    assert light.path.shape == (2, 4, 2) and light.grads.shape == (1, 4, 2)
    np.testing.assert_array_equal(light.losses, full.losses)
    np.testing.assert_array_equal(light.diverged_at, full.diverged_at)
    np.testing.assert_array_equal(light.final_point, full.final_point)
    np.testing.assert_array_equal(light.final_loss, full.final_loss)
    last = np.where(full.diverged, full.diverged_at, full.steps)  # the step to the last point
    assert full.diverged.any() and not full.diverged.all()
    np.testing.assert_array_equal(light.grads[0], full.grads[last - 1, np.arange(4)])
    assert np.isfinite(light.grads).all()
    np.testing.assert_array_equal(light.steps_to(1e-3), full.steps_to(1e-3))
    single = run(O.get("adam", learning_rate=0.1), "beale", steps=50, keep_path=False)
    np.testing.assert_array_equal(
        single.final_point, run(O.get("adam", learning_rate=0.1), "beale", steps=50).path[-1]
    )

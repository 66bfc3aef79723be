"""The loss landscape of the MLP: the plane's projection, the batched grid against Keras's own
loss, the cache, and quick mode's coarse grid."""

import numpy as np
import pytest

from helpers import config, landscape


def plane_paths(rng, n=50):
    """Three paths from one start, every point in the plane start + span(u, v)."""
    start = rng.normal(size=n)
    u, v = rng.normal(size=(2, n))
    coefficients = {k: np.cumsum(rng.normal(size=(6, 2)), axis=0) for k in "abc"}
    paths = {
        k: np.vstack([start, start + c[:, :1] * u + c[:, 1:] * v]) for k, c in coefficients.items()
    }
    return start, u, v, paths


def test_a_path_inside_a_plane_is_explained_entirely_and_its_coordinates_recovered():
    rng = np.random.default_rng(0)
    start, u, v, paths = plane_paths(rng)
    plane = landscape.pca_plane(paths)
    assert np.allclose(plane.origin, start)
    assert np.allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    for path in paths.values():
        assert plane.explained(path) == pytest.approx(1.0, abs=1e-12)
        assert np.allclose(plane.point(plane.coordinates(path)), path, atol=1e-10)
    assert plane.variance_shares()[:2].sum() == pytest.approx(1.0, abs=1e-12)
    # the plane's own coordinates of a known point: u and v expressed in the PCA basis
    known = plane.coordinates(start + 2 * u - v)
    assert np.allclose(plane.point(known), start + 2 * u - v, atol=1e-10)
    # coordinates in any other basis of the same plane are recovered too
    other = landscape.Plane(start, np.stack([u, v]))
    assert np.allclose(other.coordinates(start + 2 * u - v), [2, -1], atol=1e-10)


def test_a_direction_out_of_the_plane_is_not_explained():
    rng = np.random.default_rng(1)
    start, u, v, paths = plane_paths(rng)
    plane = landscape.pca_plane(paths)
    w = rng.normal(size=start.size)
    w -= plane.directions.T @ (plane.directions @ w)  # orthogonal to the plane
    assert plane.explained(np.stack([start, start + w])) == pytest.approx(0.0, abs=1e-12)
    # half in, half out (equal squared lengths): half explained
    inside = plane.directions[0] * np.linalg.norm(w)
    assert plane.explained(np.stack([start + inside, start + w])) == pytest.approx(0.5)


def test_paths_from_different_starts_or_on_a_line_are_refused():
    rng = np.random.default_rng(2)
    start, u, _, paths = plane_paths(rng)
    with pytest.raises(ValueError, match="different points"):
        landscape.pca_plane([paths["a"], paths["b"] + 1])
    with pytest.raises(ValueError, match="less than a plane"):
        landscape.pca_plane([np.stack([start, start + u, start + 3 * u])])


def test_cosines():
    c = landscape.cosines([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]])
    assert np.allclose(c, [[1, 0, -1], [0, 1, 0], [-1, 0, 1]])


def test_grid_axes_cover_every_point_and_the_start():
    a, b = landscape.grid_axes([np.array([[1.0, 2.0], [3.0, -1.0]])], 5, margin=0.5)
    assert (a[0], a[-1]) == (-1.5, 4.5) and (b[0], b[-1]) == (-2.5, 3.5) and len(a) == 5


def test_quick_mode_uses_a_coarse_grid(monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    assert landscape.grid_size() == 9
    monkeypatch.delenv(config.QUICK_ENV)
    assert landscape.grid_size() == 31


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 400).astype(np.uint8)
    X = rng.uniform(0, 0.3, (400, 28, 28)).astype(np.float32)
    X[np.arange(400), y, :] += 0.7  # class k lights up row k
    return (X[:320], y[:320]), (X[320:], y[320:])


def test_the_batched_grid_equals_model_evaluate(keras, small_data):
    from helpers import training

    model = training.build_model()
    model.compile(loss="sparse_categorical_crossentropy")
    start, shapes = landscape.flat_weights(model), landscape.weight_shapes(model)
    plane = landscape.random_plane(start, shapes)
    assert plane.directions[0][-10:].tolist() == [0.0] * 10  # no direction on the last bias
    (X, y), _ = small_data
    axis = np.linspace(-1, 1, 5)
    grid = landscape.loss_grid(plane, axis, axis[:4], X, y, shapes, chunk=3)
    assert grid.shape == (4, 5)
    for i, j in [(0, 0), (1, 3), (3, 4), (2, 2)]:
        weights = plane.point([axis[j], axis[i]]).astype(np.float32)
        model.set_weights([w[0] for w in landscape._split(weights[None], shapes)])
        expected = model.evaluate(X, y, batch_size=len(X), verbose=0)
        assert grid[i, j] == pytest.approx(expected, rel=2e-5)
    # the general batched loss agrees with the plane's
    points = plane.point(np.stack([[axis[1], axis[2]], [axis[4], axis[0]]]))
    assert np.allclose(
        landscape.losses(points, X, y, shapes, chunk=1), [grid[2, 1], grid[0, 4]], rtol=2e-5
    )
    # and so do the losses at the plane's points and on a straight line, from their ends
    assert np.allclose(
        landscape.plane_losses(plane, [[axis[1], axis[2]], [axis[4], axis[0]]], X, y, shapes),
        [grid[2, 1], grid[0, 4]],
        rtol=2e-5,
    )
    t = np.array([0.0, 0.5, 1.0])[:, None]
    line = landscape.line_losses(points[0], points[1], X, y, shapes, points=3)
    between = (1 - t) * points[0] + t * points[1]
    assert np.allclose(line, landscape.losses(between, X, y, shapes), rtol=2e-5)


def keras_size():
    from helpers import training

    return training.build_model().count_params()


def test_compute_caches_its_result(keras, small_data, tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))
    settings = dict(data=small_data, epochs=2, n=5, images=200, verbose=False)
    first = landscape.compute(["gd", "adam"], cache=True, **settings)
    assert not first.cached and first.grid.shape == (5, 5)
    saved = list((tmp_path / "runs").glob("landscape-*.json"))
    assert len(saved) == 1
    assert set(first.coordinates) == {"gd", "adam"} and first.coordinates["gd"].shape == (3, 2)
    assert np.allclose(first.coordinates["adam"][0], 0) and 0 < first.pooled <= 1
    assert first.random_grid.shape == (5, 5) and 0 <= first.random_explained < 0.5
    again = landscape.compute(["gd", "adam"], cache=True, **settings)
    assert again.cached
    for key in ("alphas", "betas", "grid", "shares", "random_grid"):
        assert np.array_equal(getattr(again, key), getattr(first, key)), key
    for key in ("coordinates", "path_loss", "plane_loss"):
        for name in first.names:
            assert np.array_equal(getattr(again, key)[name], getattr(first, key)[name])
    assert again.explained == first.explained and again.history == first.history
    assert again.own == first.own and all(
        first.own[k] >= first.explained[k] - 1e-9 for k in first.own
    )
    assert again.size == first.size == keras_size()
    assert np.array_equal(again.cosines, first.cosines) and first.cosines.shape == (2, 2)
    assert np.allclose(np.diag(first.cosines), 1) and -1 <= first.cosines[0, 1] <= 1
    line = first.between["gd|adam"]
    assert np.array_equal(again.between["gd|adam"], line) and len(line) == 11
    # its ends are the two paths' last losses
    assert line[[0, -1]] == pytest.approx(
        [first.path_loss["gd"][-1], first.path_loss["adam"][-1]], rel=1e-5
    )
    # another setting, another entry; the path's first loss is the start's, in the plane too
    other = landscape.compute(["gd", "adam"], cache=True, **{**settings, "n": 3})
    assert not other.cached and other.grid.shape == (3, 3)
    assert len(list((tmp_path / "runs").glob("landscape-*.json"))) == 2
    assert other.path_loss["gd"][0] == pytest.approx(other.plane_loss["gd"][0], rel=1e-5)


def test_the_shape_of_a_known_grid():
    a, b = np.linspace(-2, 2, 41), np.linspace(-1, 3, 41)
    A, B = np.meshgrid(a, b)
    bowl = landscape.shape_of(a, b, (A - 0.5) ** 2 + 10 * (B - 1) ** 2)
    assert bowl["lowest"] == pytest.approx((0.5, 1.0)) and not bowl["on_edge"]
    assert bowl["curvatures"] == pytest.approx((2, 20)) and bowl["condition"] == pytest.approx(10)
    assert bowl["not_convex"] == 0 and bowl["saddle_shaped"] == 0
    saddle = landscape.shape_of(a, b, A**2 - B**2)
    assert saddle["on_edge"] and saddle["saddle_shaped"] == pytest.approx(1)
    assert saddle["condition"] == np.inf
    plateau = landscape.shape_of(a, b, np.tanh(4 * A) + 0 * B)
    assert 0.3 < plateau["flat"] < 0.7


def test_the_figures_draw_every_path(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plotting

    axis = np.linspace(-1, 3, 7)
    A, B = np.meshgrid(axis, axis)
    paths = {"gd": np.array([[0, 0], [1, 0.5], [2, 0.8]]), "adam": np.array([[0, 0], [2, -1.0]])}
    scape = landscape.Landscape(
        names=list(paths),
        alphas=axis,
        betas=axis,
        grid=0.3 + (A - 2) ** 2 + 4 * B**2,
        coordinates=paths,
        path_loss={},
        plane_loss={},
        explained={"gd": 0.5, "adam": 0.9},
        own={},
        pooled=0.8,
        shares=np.array([0.6, 0.2, 0.2]),
        history={},
        spec={},
        seconds={},
        random_centre="adam",
        random_axis=axis,
        random_grid=0.3 + A**2 + B**2,
    )
    fig, ax = plotting.plot_landscape(scape)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Gradient descent (50% in plane)" in labels and "Adam (90% in plane)" in labels
    assert "60%" in ax.get_xlabel()
    fig2, ax2 = plotting.plot_random_slice(scape)
    assert "Adam" in ax2.get_title()
    fig.savefig(tmp_path / "a.png")
    plt.close("all")


def test_the_share_in_a_paths_own_plane_is_its_pca_planes():
    rng = np.random.default_rng(3)
    path = np.cumsum(rng.normal(size=(6, 40)) * [[1], [3], [0.5], [2], [1], [0.2]], axis=0)
    share = landscape.own_share(path)
    assert share == pytest.approx(landscape.pca_plane([path]).explained(path), rel=1e-12)
    assert 0 < share < 1
    _, _, _, paths = plane_paths(rng)  # paths inside a plane: all of each is kept
    assert all(landscape.own_share(p) == pytest.approx(1.0, abs=1e-12) for p in paths.values())


def test_pca_shares_per_seed_are_each_seeds_own_paths(keras, small_data, tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))
    names, settings = ["gd", "adam"], dict(data=small_data, epochs=2, verbose=False)
    per_seed = landscape.pca_shares(names, seeds=(42, 43), cache=True, **settings)
    assert list(per_seed) == [42, 43] and not any(s.cached for s in per_seed.values())
    for seed, shares in per_seed.items():
        # the same runs trained one by one, weights recorded by the Keras callback
        points = {name: landscape.record(name, seed=seed, **settings)[0] for name in names}
        expected = landscape.kept(points)
        assert shares.seed == seed and set(shares.explained) == set(names)
        assert shares.pooled == pytest.approx(expected["pooled"], abs=1e-4)
        assert shares.pooled == pytest.approx(shares.shares[:2].sum(), abs=1e-9)
        for name in names:
            assert shares.explained[name] == pytest.approx(expected["explained"][name], abs=1e-4)
            assert shares.own[name] == pytest.approx(expected["own"][name], abs=1e-4)
    assert per_seed[42].pooled != pytest.approx(per_seed[43].pooled, abs=1e-6)
    # cached one file per seed: a known seed is read back, a new one trained
    again = landscape.pca_shares(names, seeds=(43, 44), cache=True, **settings)
    assert again[43].cached and not again[44].cached
    assert again[43].explained == per_seed[43].explained and again[43].own == per_seed[43].own
    assert np.array_equal(again[43].shares, per_seed[43].shares)
    assert len(list((tmp_path / "runs").glob("landscape-shares-*.json"))) == 3
    # a landscape's own shares, in the same form
    scape = landscape.compute(names, n=3, images=100, random_centre=None, **settings)
    own = landscape.Shares.of(scape)
    assert own.seed == 42 and own.pooled == scape.pooled and own.explained == scape.explained
    assert own.pooled == pytest.approx(per_seed[42].pooled, abs=1e-4)

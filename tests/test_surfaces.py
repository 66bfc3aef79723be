"""Cost surfaces: gradients and Hessians against finite differences, and every listed minimum."""

import numpy as np
import pytest

from helpers import surfaces

VARIANTS = [(name, {}) for name in surfaces.names()] + [
    ("bowl", {"condition": 100.0}),
    ("bowl", {"condition": 10.0, "angle": 30.0}),
    ("rosenbrock", {"a": 2.0, "b": 10.0}),
    ("plateau", {"width": 2.0}),
]
IDS = [f"{name}{params or ''}" for name, params in VARIANTS]


def random_points(surface, n=200, seed=0):
    xmin, xmax, ymin, ymax = surface.window
    rng = np.random.default_rng(seed)
    return rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)


def test_the_course_surfaces_exist():
    assert {"bowl", "rosenbrock", "beale", "himmelblau", "saddle", "plateau"} <= set(
        surfaces.names()
    )
    with pytest.raises(ValueError, match="unknown surface 'bowls'"):
        surfaces.get("bowls")


@pytest.mark.parametrize("name, params", VARIANTS, ids=IDS)
def test_gradient_matches_finite_differences(name, params):
    surface = surfaces.get(name, **params)
    x, y = random_points(surface)
    h = 1e-6
    gx, gy = surface.grad(x, y)
    fdx = (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h)
    fdy = (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h)
    scale = 1 + np.abs(np.stack([gx, gy]))
    assert np.max(np.abs(np.stack([gx - fdx, gy - fdy])) / scale) < 1e-5


@pytest.mark.parametrize("name, params", VARIANTS, ids=IDS)
def test_hessian_matches_finite_differences(name, params):
    surface = surfaces.get(name, **params)
    x, y = random_points(surface, seed=1)
    h = 1e-6
    hxx, hxy, hyy = np.broadcast_arrays(*surface.hessian(x, y))
    gx_px, gy_px = surface.grad(x + h, y)
    gx_mx, gy_mx = surface.grad(x - h, y)
    gx_py, gy_py = surface.grad(x, y + h)
    gx_my, gy_my = surface.grad(x, y - h)
    fd = np.stack([(gx_px - gx_mx), (gy_px - gy_mx), (gy_py - gy_my)]) / (2 * h)
    exact = np.stack([hxx, hxy, hyy])
    assert np.max(np.abs(exact - fd) / (1 + np.abs(exact))) < 1e-4
    # hxy is also d(gx)/dy
    np.testing.assert_allclose(hxy, (gx_py - gx_my) / (2 * h), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name, params", VARIANTS, ids=IDS)
def test_every_listed_minimum_is_a_global_minimum(name, params):
    surface = surfaces.get(name, **params)
    for mx, my in surface.minima:
        assert surface.f(mx, my) == pytest.approx(surface.min_value, abs=1e-12)
        gx, gy = surface.grad(mx, my)
        assert abs(gx) < 1e-9 and abs(gy) < 1e-9
        hessian = surface.hessian_matrix(np.array([mx, my]))
        assert np.all(np.linalg.eigvalsh(hessian) > 0), "a strict local minimum"
    X, Y, Z = surface.grid(400)
    assert Z.min() >= surface.min_value - 1e-12, "nothing in the window is lower"


@pytest.mark.parametrize("name", surfaces.names())
def test_starts_and_window_make_sense(name):
    surface = surfaces.get(name)
    xmin, xmax, ymin, ymax = surface.window
    assert xmin < xmax and ymin < ymax
    for sx, sy in surface.starts:
        assert xmin <= sx <= xmax and ymin <= sy <= ymax
        assert surface.f(sx, sy) > surface.min_value, "a start is not already at the minimum"
    assert len(surface.starts) >= 3, "enough starts for win rates"
    assert surface.description and "\n" not in surface.description
    np.testing.assert_array_equal(surface.start, surface.starts[0])


def test_array_forms_agree_with_xy_forms():
    surface = surfaces.get("beale")
    points = np.random.default_rng(2).uniform(-2, 2, size=(3, 5, 2))
    np.testing.assert_allclose(surface.loss(points), surface.f(points[..., 0], points[..., 1]))
    g = surface.gradient(points)
    assert g.shape == (3, 5, 2)
    np.testing.assert_allclose(g[..., 1], surface.grad(points[..., 0], points[..., 1])[1])
    assert surface.hessian_matrix(points).shape == (3, 5, 2, 2)


def test_bowl_curvatures_are_one_and_the_condition_number():
    for angle in (0.0, 30.0, 90.0):
        hessian = surfaces.bowl(condition=25.0, angle=angle).hessian_matrix(np.zeros(2))
        np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [1.0, 25.0])
    turned = surfaces.bowl(condition=25.0, angle=30.0).hessian_matrix(np.zeros(2))
    assert abs(turned[0, 1]) > 1, "a turned bowl couples x and y"
    with pytest.raises(ValueError):
        surfaces.bowl(condition=0.5)


def test_distance_to_nearest_minimum():
    himmelblau = surfaces.get("himmelblau")
    assert himmelblau.distance_to_minimum(np.array([3.0, 2.5])) == pytest.approx(0.5)
    assert himmelblau.distance_to_minimum(np.array([[3.0, 2.0], [3.0, 1.0]])).tolist() == [0.0, 1.0]


def test_least_squares_is_the_regression_cost_with_its_minimum():
    rng = np.random.default_rng(3)
    u = rng.uniform(-1, 1, size=(300, 3))
    X = np.stack([u[:, 0], 0.8 * u[:, 0] + 0.6 * u[:, 1]], 1)
    y = X @ np.array([1.5, -0.5]) + 0.1 * u[:, 2]
    s = surfaces.least_squares(X, y)
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert np.allclose(s.minima[0], w, atol=1e-10)
    points = rng.uniform(-3, 3, size=(5, 2))
    cost = ((points @ X.T - y) ** 2).mean(1) / 2
    assert np.allclose(s.loss(points), cost, rtol=1e-10)
    assert np.allclose(s.min_value, ((X @ w - y) ** 2).mean() / 2, rtol=1e-10)
    eps = 1e-6
    numeric = [(s.f(*(points[0] + e)) - s.f(*(points[0] - e))) / (2 * eps) for e in np.eye(2) * eps]
    assert np.allclose(s.gradient(points[0]), numeric, rtol=1e-5)
    assert np.allclose(s.max_curvature, np.linalg.eigvalsh(X.T @ X / len(X)).max())
    r = (X[:, 0] @ X[:, 1]) / np.sqrt((X[:, 0] @ X[:, 0]) * (X[:, 1] @ X[:, 1]))
    assert f"correlation {r:.2f}" in s.description
    with pytest.raises(ValueError, match="collinear"):
        surfaces.least_squares(np.stack([u[:, 0], 2 * u[:, 0]], 1), y)

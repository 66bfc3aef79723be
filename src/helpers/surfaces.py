"""Two-dimensional cost surfaces on which to watch optimizers move.

Each surface has an analytic value ``f(x, y)``, gradient ``grad(x, y)`` and Hessian
``hessian(x, y)``, all NumPy functions that broadcast over arrays, together with its global
minima, a default plotting window, default start points and a one-line description::

    >>> from helpers import surfaces
    >>> bowl = surfaces.get("bowl", condition=10)
    >>> bowl.f(0.0, 0.0), bowl.minima
    (0.0, ((0.0, 0.0),))

``names()`` lists the surfaces; ``get(name, **parameters)`` builds one; ``custom(formula)``
makes your own from a formula in x and y (or a Python function), such as
``custom("x**2 + 10*y**2")``, with the same parts: exact gradient and Hessian, minimum found
numerically, a window and start points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import custom_surface as search
from . import portable
from .formula import Formula, FormulaError

ArrayLike = np.ndarray | float


def _sq(v):
    """v², as one multiplication: the same last bit on every CPU (see helpers.portable)."""
    return v * v


@dataclass(frozen=True)
class Surface:
    """A cost function J(θ) of θ = (x, y), with everything needed to plot and test it."""

    name: str
    description: str
    f: Callable[[ArrayLike, ArrayLike], ArrayLike]
    grad: Callable[[ArrayLike, ArrayLike], tuple[ArrayLike, ArrayLike]]
    hessian: Callable[[ArrayLike, ArrayLike], tuple[ArrayLike, ArrayLike, ArrayLike]]
    minima: tuple[tuple[float, float], ...]
    min_value: float
    window: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    starts: tuple[tuple[float, float], ...]
    parameters: dict = field(default_factory=dict)

    @property
    def start(self) -> np.ndarray:
        """The default start point."""
        return np.array(self.starts[0], dtype=float)

    @property
    def title(self) -> str:
        """The name with its parameters, e.g. ``bowl (condition=10)``."""
        if not self.parameters:
            return self.name
        inner = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"{self.name} ({inner})"

    # Forms on points stored as arrays of shape (..., 2), as optimizers and trajectories use.
    def loss(self, points: np.ndarray) -> np.ndarray:
        """J at points of shape (..., 2)."""
        points = np.asarray(points)
        return self.f(points[..., 0], points[..., 1])

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """∇J at points of shape (..., 2), as an array of the same shape."""
        points = np.asarray(points)
        gx, gy = self.grad(points[..., 0], points[..., 1])
        out = np.empty(points.shape, dtype=np.result_type(gx, gy, points.dtype))
        out[..., 0], out[..., 1] = gx, gy
        return out

    def hessian_matrix(self, points: np.ndarray) -> np.ndarray:
        """The Hessian at points of shape (..., 2), as an array of shape (..., 2, 2)."""
        points = np.asarray(points)
        hxx, hxy, hyy = np.broadcast_arrays(*self.hessian(points[..., 0], points[..., 1]))
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)

    def distance_to_minimum(self, points: np.ndarray) -> np.ndarray:
        """Euclidean distance from points of shape (..., 2) to the nearest global minimum."""
        points = np.asarray(points, dtype=float)
        minima = np.asarray(self.minima, dtype=float)
        gaps = points[..., None, :] - minima
        return np.sqrt((gaps * gaps).sum(-1)).min(-1)

    @property
    def max_curvature(self) -> float:
        """The largest Hessian eigenvalue at the global minima: it sets gradient descent's
        largest stable learning rate near them, 2/λmax."""
        return float(
            max(np.linalg.eigvalsh(self.hessian_matrix(np.array(m))).max() for m in self.minima)
        )

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """X, Y, J on an n×n grid over the window, for contour plots."""
        xmin, xmax, ymin, ymax = self.window
        X, Y = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
        return X, Y, self.f(X, Y)


# --------------------------------------------------------------------------------------------
# The surfaces


def bowl(condition: float = 10.0, angle: float = 0.0) -> Surface:
    """An ill-conditioned quadratic bowl J = ½ θᵀAθ with eigenvalues 1 and ``condition``.

    ``angle`` (degrees) turns the steep axis away from y, so that the valley is no longer
    aligned with the coordinates: per-coordinate methods (AdaGrad, RMSProp, Adam) lose much of
    their advantage on a turned bowl. Gradient descent is stable only for η < 2/λmax = 2/condition.
    """
    if not condition >= 1:
        raise ValueError(f"condition must be ≥ 1, got {condition}")
    phi = math.radians(angle)
    c, s = math.cos(phi), math.sin(phi)
    # A = Rᵀ diag(1, κ) R, with R turning by the angle: entries a, b (off-diagonal), d.
    a = c * c + condition * s * s
    b = (condition - 1.0) * c * s
    d = s * s + condition * c * c

    def f(x, y):
        return 0.5 * (a * x * x + 2 * b * x * y + d * y * y)

    def grad(x, y):
        return a * x + b * y, b * x + d * y

    def hessian(x, y):
        one = np.ones_like(np.asarray(x + y, dtype=float))
        return a * one, b * one, d * one

    parameters = {"condition": condition}
    if angle:
        parameters["angle"] = angle
    return Surface(
        name="bowl",
        description=(
            f"An elongated quadratic bowl: curvatures 1 and {condition:g} "
            f"(condition number {condition:g}), so gradient descent needs η < {2 / condition:.3g}."
        ),
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((0.0, 0.0),),
        min_value=0.0,
        window=(-10.0, 10.0, -5.0, 5.0),
        starts=((-9.0, 3.0), (8.0, 4.0), (-6.0, -4.5), (9.5, -1.0)),
        parameters=parameters,
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """Rosenbrock's banana valley J = (a − x)² + b (y − x²)²: easy to find, slow to follow."""

    def f(x, y):
        return _sq(a - x) + b * _sq(y - x * x)

    def grad(x, y):
        return -2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)

    def hessian(x, y):
        return 2 - 4 * b * y + 12 * b * x * x, -4 * b * x + 0 * y, 2 * b + 0 * (x + y)

    return Surface(
        name="rosenbrock",
        description="Rosenbrock's curved, narrow valley: quick to reach, slow to follow to (1, 1).",
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((a, a * a),),
        min_value=0.0,
        window=(-2.0, 2.0, -1.0, 3.0),
        starts=((-1.2, 1.0), (-1.5, 2.5), (0.0, 2.5), (1.5, -0.5)),
        parameters={} if (a, b) == (1.0, 100.0) else {"a": a, "b": b},
    )


def beale() -> Surface:
    """Beale's function: flat basins and steep walls whose values span many orders."""

    def parts(x, y):
        a1 = 1.5 - x + x * y
        a2 = 2.25 - x + x * y * y
        a3 = 2.625 - x + x * y * y * y
        return a1, a2, a3

    def f(x, y):
        a1, a2, a3 = parts(x, y)
        return a1 * a1 + a2 * a2 + a3 * a3

    def grad(x, y):
        a1, a2, a3 = parts(x, y)
        gx = 2 * a1 * (y - 1) + 2 * a2 * (y * y - 1) + 2 * a3 * (y * y * y - 1)
        gy = 2 * a1 * x + 4 * a2 * x * y + 6 * a3 * x * y * y
        return gx, gy

    def hessian(x, y):
        a1, a2, a3 = parts(x, y)
        hxx = 2 * _sq(y - 1) + 2 * _sq(y * y - 1) + 2 * _sq(y * y * y - 1)
        hxy = (
            2 * (x * (y - 1) + a1)
            + 2 * (2 * x * y * (y * y - 1) + 2 * y * a2)
            + 2 * (3 * x * y * y * (y * y * y - 1) + 3 * y * y * a3)
        )
        hyy = (
            2 * x * x
            + 2 * (_sq(2 * x * y) + 2 * x * a2)
            + 2 * (_sq(3 * x * y * y) + 6 * x * y * a3)
        )
        return hxx, hxy, hyy

    return Surface(
        name="beale",
        description="Beale's function: a flat basin around (3, 0.5) between very steep walls.",
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((3.0, 0.5),),
        min_value=0.0,
        window=(-4.5, 4.5, -4.5, 4.5),
        starts=((1.0, 1.4), (-1.0, 1.5), (-2.0, -1.0), (2.0, -1.5)),
    )


# The three minima of Himmelblau's function besides (3, 2), to double precision.
_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)


def himmelblau() -> Surface:
    """Himmelblau's function: four equal minima, so where you end depends on where you start."""

    def f(x, y):
        return _sq(x * x + y - 11) + _sq(x + y * y - 7)

    def grad(x, y):
        b1 = x * x + y - 11
        b2 = x + y * y - 7
        return 4 * x * b1 + 2 * b2, 2 * b1 + 4 * y * b2

    def hessian(x, y):
        b1 = x * x + y - 11
        b2 = x + y * y - 7
        return 4 * b1 + 8 * x * x + 2, 4 * x + 4 * y, 4 * b2 + 8 * y * y + 2

    return Surface(
        name="himmelblau",
        description="Himmelblau's function: four minima of equal depth; the start decides the end.",
        f=f,
        grad=grad,
        hessian=hessian,
        minima=_HIMMELBLAU_MINIMA,
        min_value=0.0,
        window=(-5.0, 5.0, -5.0, 5.0),
        starts=((0.0, 0.0), (-1.0, -4.5), (4.5, 4.5), (-4.5, 0.5)),
    )


def saddle() -> Surface:
    """J = x² + y⁴/4 − y²/2: a saddle point at the origin between minima at (0, ±1).

    Started almost on the ridge (y ≈ 0), gradient descent lingers near the saddle because the
    gradient there is tiny; momentum builds speed and escapes sooner.
    """

    def f(x, y):
        return x * x + 0.25 * _sq(y * y) - 0.5 * y * y

    def grad(x, y):
        return 2 * x, y * y * y - y

    def hessian(x, y):
        return 2 + 0 * (x + y), 0 * (x + y), 3 * y * y - 1 + 0 * x

    return Surface(
        name="saddle",
        description="A saddle point at (0, 0) between two minima at (0, ±1): the escape is slow.",
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((0.0, 1.0), (0.0, -1.0)),
        min_value=-0.25,
        window=(-2.5, 2.5, -2.0, 2.0),
        starts=((-2.0, 0.001), (2.0, -0.01), (-1.5, 0.05), (1.0, 0.0001)),
    )


def plateau(width: float = 1.0) -> Surface:
    """J = 1 − exp(−(x² + 2y²)/(2w²)): a narrow well in a vast plateau of vanishing gradients.

    Far from the well the gradient is almost zero: gradient descent crawls, while methods that
    divide by the gradient's running size (RMSProp, Adam) keep a step of about η.
    """
    w2 = width * width

    def g(x, y):
        return portable.exp(-(x * x + 2 * y * y) / (2 * w2))

    def f(x, y):
        return 1 - g(x, y)

    def grad(x, y):
        e = g(x, y)
        return e * x / w2, e * 2 * y / w2

    def hessian(x, y):
        e = g(x, y)
        hxx = e * (1 / w2 - x * x / (w2 * w2))
        hxy = -e * 2 * x * y / (w2 * w2)
        hyy = e * (2 / w2 - 4 * y * y / (w2 * w2))
        return hxx, hxy, hyy

    return Surface(
        name="plateau",
        description="A narrow well in a wide plateau: far away the gradient all but vanishes.",
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((0.0, 0.0),),
        min_value=0.0,
        window=(-4.0, 4.0, -3.0, 3.0),
        starts=((-3.0, 2.0), (3.5, 1.0), (-2.5, -2.0), (2.0, 2.5)),
        parameters={} if width == 1.0 else {"width": width},
    )


def least_squares(features, targets, name: str = "regression") -> Surface:
    """The cost of a linear regression with two features and no intercept,
    J(w) = ‖Xw − y‖²/(2n): a quadratic bowl whose curvatures are those of XᵀX/n, turned away
    from the axes when the features are correlated. Its window spans ±4 around the minimum,
    and its starts are the bowl's, moved there. (Not in ``names()``: built from data.)"""
    X, y = np.asarray(features, dtype=float), np.asarray(targets, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(
            f"features must have shape (n, 2) and targets (n,), got {X.shape}, {y.shape}"
        )
    n = len(y)

    def mean(values):  # exactly rounded sums: the same last bit on every CPU
        return math.fsum(values.tolist()) / n

    a, b, d = mean(X[:, 0] * X[:, 0]), mean(X[:, 0] * X[:, 1]), mean(X[:, 1] * X[:, 1])
    p, q = mean(X[:, 0] * y), mean(X[:, 1] * y)
    det = a * d - b * b
    if not det > 1e-12 * max(a * d, 1e-300):
        raise ValueError("the two features are (almost) collinear: no single minimum")
    cx, cy = (d * p - b * q) / det, (a * q - b * p) / det  # the normal equations, solved
    residual = X[:, 0] * cx + X[:, 1] * cy - y
    j_min = mean(residual * residual) / 2

    def f(x, y_):
        u, v = x - cx, y_ - cy
        return 0.5 * (a * u * u + 2 * b * u * v + d * v * v) + j_min

    def grad(x, y_):
        u, v = x - cx, y_ - cy
        return a * u + b * v, b * u + d * v

    def hessian(x, y_):
        one = np.ones_like(np.asarray(x + y_, dtype=float))
        return a * one, b * one, d * one

    root = math.sqrt((a - d) ** 2 + 4 * b * b)
    curvatures = ((a + d - root) / 2, (a + d + root) / 2)
    return Surface(
        name=name,
        description=(
            f"A linear regression's cost: curvatures {curvatures[0]:.3g} and {curvatures[1]:.3g}, "
            f"feature correlation {b / math.sqrt(a * d):.2f}."
        ),
        f=f,
        grad=grad,
        hessian=hessian,
        minima=((cx, cy),),
        min_value=j_min,
        window=(cx - 4.0, cx + 4.0, cy - 4.0, cy + 4.0),
        starts=(
            (cx - 3.6, cy + 3.0),
            (cx + 3.2, cy + 3.6),
            (cx - 2.4, cy - 3.6),
            (cx + 3.8, cy - 1.0),
        ),
    )


_FACTORIES: dict[str, Callable[..., Surface]] = {
    "bowl": bowl,
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "saddle": saddle,
    "plateau": plateau,
}


def names() -> list[str]:
    """The names ``get`` knows, in the order the course uses them."""
    return list(_FACTORIES)


def get(name: str | Surface, **parameters) -> Surface:
    """The surface called ``name``, built with ``parameters`` (e.g. ``condition=100``)."""
    if isinstance(name, Surface):
        return name
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose from {', '.join(names())}") from None
    return factory(**parameters)


# --------------------------------------------------------------------------------------------
# Your own surface


def custom(
    formula: str | Callable,
    window: tuple[float, float, float, float] | None = None,
    starts=None,
    name: str | None = None,
    *,
    grad: Callable | None = None,
    hessian: Callable | None = None,
) -> Surface:
    """Your own surface, from a formula in x and y or from a Python function.

        >>> J = custom("x**2 + 10*y**2")
        >>> J.minima, J.min_value, J.window
        (((0.0, 0.0),), 0.0, (-5.0, 5.0, -5.0, 5.0))

    formula: a text such as ``"(1 - x)**2 + 100*(y - x**2)**2"``, read through a whitelist
        (numbers, x, y, pi, e, + - * / **, parentheses and the functions of
        ``helpers.formula.FUNCTIONS``; see there) and never run as Python code. Its gradient
        and Hessian are exact (symbolic differentiation). Or a function ``f(x, y)`` taking NumPy
        arrays (one taking floats only is vectorised, slowly): its gradient and Hessian are
        then central differences, approximate (relative errors of about 1e-10 and 1e-7 for a
        smooth f of moderate size), unless you give them exactly as ``grad(x, y) -> (gx, gy)``
        and ``hessian(x, y) -> (hxx, hxy, hyy)``.
    window: (xmin, xmax, ymin, ymax) to plot and search; by default the first of the squares
        ±5, ±20, ±100 in which J has its lowest point inside.
    starts: start points; by default up to four points about 60-80% of the way from the
        window's centre to its edges, where J and its gradient are finite.
    name: the title in plots and menus; by default the formula (or the function's name).

    The minimum is found numerically: the lowest points of a 201 × 201 grid over the window,
    each refined by Newton steps (gradient steps where the Hessian is not positive definite)
    with a line search. Minima as low as the lowest (up to rounding) are all kept, up to
    eight; more than that (a valley floor of equal values, say), and only the one nearest the
    window's centre is marked. A formula that is not finite anywhere in the window, divides by
    zero everywhere, or has its lowest point on the window's edge (J keeps falling beyond it)
    raises ``FormulaError``, as an unreadable formula does.
    """
    if isinstance(formula, str):
        if grad is not None or hessian is not None:
            raise TypeError("a formula's gradient and Hessian are computed exactly: give neither")
        parsed = Formula(formula)
        f, gradient, hess = parsed.value, parsed.gradient, parsed.hessian
        label = name or parsed.text
        text = f"J(x, y) = {parsed.text}"
    elif callable(formula):
        parsed = None
        f = search.array_function(formula)
        gradient = grad or search.central_gradient(f)
        hess = hessian or search.central_hessian(f)
        label = name or getattr(formula, "__name__", "custom")
        label = "custom" if label == "<lambda>" else label
        exact = "exact" if grad is not None and hessian is not None else "approximate"
        text = f"J(x, y) = {label}(x, y), a Python function ({exact} derivatives)"
    else:
        raise TypeError(f"custom takes a formula (text) or a function of x, y; got {formula!r}")
    if label in _FACTORIES:
        raise ValueError(f"{label!r} is the name of a course surface; choose another name")
    windows = [search.checked_window(window)] if window is not None else search.default_windows()
    for i, box in enumerate(windows):
        try:
            minima, min_value = search.minima(f, gradient, hess, box, parsed)
            break
        except search.OnTheEdge as edge:
            if i == len(windows) - 1 and window is not None:
                raise FormulaError(str(edge)) from None
            if i == len(windows) - 1:
                raise FormulaError(
                    f"J has no minimum inside ±{search.DEFAULT_HALF_WIDTHS[-1]:g}: it keeps "
                    "falling beyond the window's edge; give a window that holds a minimum"
                ) from None
    points = (
        search.default_starts(f, gradient, box, minima)
        if starts is None
        else search.checked_starts(starts)
    )
    where = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in minima)
    return Surface(
        name=label,
        description=f"{text}: lowest value {min_value:.4g}, at {where} (found numerically).",
        f=f,
        grad=gradient,
        hessian=hess,
        minima=minima,
        min_value=min_value,
        window=box,
        starts=points,
    )

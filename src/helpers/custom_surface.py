"""The numerical side of your own surface (``surfaces.custom``): a Python function's
derivatives by central differences, and a surface's lowest points, default windows and start
points, found on a grid and refined by Newton steps. No course module but ``formula``."""

from __future__ import annotations

import math

import numpy as np

from .formula import FormulaError

#: The half-widths of the square windows (centred on the origin) tried in turn when none is
#: given: the first in which J has its lowest point inside is used.
DEFAULT_HALF_WIDTHS = (5.0, 20.0, 100.0)
_SEARCH_GRID = 201  # points per side of the grid searched for the minimum
_MAX_MINIMA = 8  # more equal minima than this: a valley floor or a plateau, one is marked
# Default start points, as fractions of the window's half-widths from its centre, in order.
_START_FRACTIONS = (
    (-0.8, 0.6),
    (0.7, 0.8),
    (-0.6, -0.8),
    (0.8, -0.4),
    (-0.4, 0.3),
    (0.4, -0.6),
    (0.2, 0.9),
    (-0.9, -0.2),
)


class OnTheEdge(Exception):
    """J's lowest point in the window lies on its edge."""


def default_windows():
    return [(-h, h, -h, h) for h in DEFAULT_HALF_WIDTHS]


def checked_window(window):
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in window)
    except (TypeError, ValueError):
        raise ValueError(f"window must be (xmin, xmax, ymin, ymax); got {window!r}") from None
    if not (math.isfinite(xmin + xmax + ymin + ymax) and xmin < xmax and ymin < ymax):
        raise ValueError(f"window must be finite with xmin < xmax and ymin < ymax; got {window}")
    return (xmin, xmax, ymin, ymax)


def checked_starts(starts):
    points = np.asarray(starts, dtype=float).reshape(-1, 2)
    if not (len(points) and np.isfinite(points).all()):
        raise ValueError(f"starts must be finite points (x, y); got {starts!r}")
    return tuple((float(x), float(y)) for x, y in points)


def array_function(fn):
    """fn itself if it takes NumPy arrays and gives an array of their shape; else fn
    vectorised (called once per point)."""
    x = np.array([[0.5, -1.5], [2.5, 0.25]])
    y = np.array([[1.25, 0.75], [-0.5, 2.0]])
    try:
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x, y), dtype=float)
        if out.shape == x.shape:
            return fn
    except Exception:  # noqa: BLE001 - tried below one point at a time, where errors are said
        pass
    vectorised = np.vectorize(fn, otypes=[float])
    try:
        with np.errstate(all="ignore"):
            vectorised(x, y)
    except Exception as error:  # noqa: BLE001 - any failure of the learner's function is said
        raise FormulaError(
            f"the function could not be evaluated ({type(error).__name__}: {error})"
        ) from None

    def f(x, y):
        value = vectorised(x, y)
        return value[()] if np.ndim(value) == 0 else value

    return f


def _offsets(v, relative):
    """Steps h ≈ relative × (1 + |v|), made exact: (v + h) − v == h."""
    h = relative * (1.0 + np.abs(v))
    return (v + h) - v


def central_gradient(f):
    def grad(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        hx, hy = _offsets(x, 6e-6), _offsets(y, 6e-6)
        with np.errstate(all="ignore"):
            gx = (f(x + hx, y) - f(x - hx, y)) / (2 * hx)
            gy = (f(x, y + hy) - f(x, y - hy)) / (2 * hy)
        return gx, gy

    return grad


def central_hessian(f):
    def hessian(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        hx, hy = _offsets(x, 1e-4), _offsets(y, 1e-4)
        with np.errstate(all="ignore"):
            centre = 2 * f(x, y)
            hxx = (f(x + hx, y) - centre + f(x - hx, y)) / (hx * hx)
            hyy = (f(x, y + hy) - centre + f(x, y - hy)) / (hy * hy)
            hxy = (
                f(x + hx, y + hy) - f(x + hx, y - hy) - f(x - hx, y + hy) + f(x - hx, y - hy)
            ) / (4 * hx * hy)
        return hxx, hxy, hyy

    return hessian


def minima(f, grad, hessian, window, parsed):
    """The lowest points of J in the window (see ``custom``) and J's value there."""
    xmin, xmax, ymin, ymax = window
    xs, ys = np.linspace(xmin, xmax, _SEARCH_GRID), np.linspace(ymin, ymax, _SEARCH_GRID)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(f(X, Y), dtype=float)
    finite = np.isfinite(Z)
    shown = f"({xmin:g}, {xmax:g}, {ymin:g}, {ymax:g})"
    if not finite.any():
        divisor = parsed.zero_denominator(X, Y) if parsed is not None else None
        if divisor is not None:
            raise FormulaError(
                f"division by zero everywhere: the divisor {divisor} is 0 all over the window"
            )
        raise FormulaError(f"J is not a finite number anywhere in the window {shown}")
    Z = np.where(finite, Z, np.inf)
    # the grid's local minima (no lower neighbour among the eight), lowest first
    padded = np.pad(Z, 1, constant_values=np.inf)
    lowest = np.ones(Z.shape, dtype=bool)
    n = _SEARCH_GRID
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            if (di, dj) != (1, 1):
                lowest &= Z <= padded[di : di + n, dj : dj + n]
    lowest &= finite
    centre = np.array([(xmin + xmax) / 2, (ymin + ymax) / 2])
    distance = (X - centre[0]) ** 2 + (Y - centre[1]) ** 2
    order = np.lexsort((distance[lowest], Z[lowest]))[: 4 * _MAX_MINIMA]  # lowest, central
    candidates = np.stack([X[lowest][order], Y[lowest][order]], -1)
    points, values = _refine(f, grad, hessian, candidates)
    step = max(xmax - xmin, ymax - ymin) / (_SEARCH_GRID - 1)
    outside = (
        (points[:, 0] < xmin - step)
        | (points[:, 0] > xmax + step)
        | (points[:, 1] < ymin - step)
        | (points[:, 1] > ymax + step)
    )
    values = np.where(outside, np.inf, values)  # a minimum beyond the window is not this one's
    best = values.min()
    lowest_seen = Z.min()
    if not best <= lowest_seen + 1e-12 * (1 + abs(lowest_seen)):  # J kept falling off the edge
        raise OnTheEdge(
            f"J has no minimum inside the window {shown}: it keeps falling beyond its edge; "
            "give a window that holds a minimum"
        )
    tolerance = 1e-9 * max(1.0, abs(best))
    keep = np.flatnonzero(values <= best + tolerance)
    span = max(xmax - xmin, ymax - ymin)
    found: list[np.ndarray] = []
    for i in keep:  # distinct points only
        if all(np.abs(points[i] - p).max() > 1e-6 * span for p in found):
            found.append(points[i])
    if len(found) > _MAX_MINIMA:
        found = [min(found, key=lambda p: float(((p - centre) ** 2).sum()))]
    inside = []
    for p in found:
        _check_inside(f, p, window, step, shown)
        inside.append(_snapped(f, p, span))
    minima = tuple((float(x), float(y)) for x, y in inside)
    with np.errstate(all="ignore"):
        min_value = float(min(f(x, y) for x, y in minima))
    return minima, min_value


def _check_inside(f, p, window, step, shown):
    """Raise OnTheEdge if p lies on the window's edge with J falling beyond it."""
    xmin, xmax, ymin, ymax = window
    x, y = p
    probes = []
    if x - xmin < step:
        probes.append((x - step, y))
    if xmax - x < step:
        probes.append((x + step, y))
    if y - ymin < step:
        probes.append((x, y - step))
    if ymax - y < step:
        probes.append((x, y + step))
    with np.errstate(all="ignore"):
        here = float(f(x, y))
        falling = any(float(f(px, py)) < here for px, py in probes)
    if falling:
        raise OnTheEdge(
            f"J has no minimum inside the window {shown}: it keeps falling beyond the edge "
            f"near ({x:.3g}, {y:.3g}); give a window that holds a minimum"
        )


def _snapped(f, p, span):
    """p with coordinates below span × 1e-12 set to 0 (so that (1e-17, 1) prints as (0, 1)),
    if that is no higher."""
    q = np.where(np.abs(p) < 1e-12 * span, 0.0, p)
    with np.errstate(all="ignore"):
        if float(f(*q)) <= float(f(*p)):
            return q
    return p


def _refine(f, grad, hessian, points, iterations=100):
    """Newton steps (gradient steps where the Hessian is not positive definite) from each
    point at once, each step along the line to the lowest of a range of step lengths."""
    p = np.array(points, dtype=float)
    lengths = np.ldexp(1.0, np.arange(10, -41, -1))  # 2¹⁰ … 2⁻⁴⁰, exactly
    with np.errstate(all="ignore"):
        value = np.asarray(f(p[:, 0], p[:, 1]), dtype=float)
        active = np.isfinite(value)
        for _ in range(iterations):
            if not active.any():
                break
            gx, gy = (np.asarray(g, dtype=float) for g in grad(p[:, 0], p[:, 1]))
            a, b, c = (
                np.asarray(h, dtype=float) for h in np.broadcast_arrays(*hessian(p[:, 0], p[:, 1]))
            )
            det = a * c - b * b
            newton = (a > 0) & (det > 0) & np.isfinite(det)
            dx = np.where(newton, -(c * gx - b * gy) / det, -gx)
            dy = np.where(newton, -(a * gy - b * gx) / det, -gy)
            good = active & np.isfinite(dx) & np.isfinite(dy) & ((dx != 0) | (dy != 0))
            trial_x = p[:, 0, None] + lengths * dx[:, None]
            trial_y = p[:, 1, None] + lengths * dy[:, None]
            trial = np.asarray(f(trial_x, trial_y), dtype=float)
            trial = np.where(np.isfinite(trial), trial, np.inf)
            best = np.argmin(trial, axis=1)
            rows = np.arange(len(p))
            new_value = trial[rows, best]
            # a full Newton step is taken while it does not rise beyond rounding, so that the
            # point converges where J's changes are too small to see
            full = newton & (trial[:, 10] <= value + 1e-15 * np.abs(value))
            best = np.where(full & (new_value >= value), 10, best)
            new_value = trial[rows, best]
            move = good & ((new_value < value) | full)
            step_x = np.where(move, lengths[best] * dx, 0.0)
            step_y = np.where(move, lengths[best] * dy, 0.0)
            p[:, 0] += step_x
            p[:, 1] += step_y
            value = np.where(move, new_value, value)
            tiny = np.abs(step_x) + np.abs(step_y) <= 1e-15 * (1 + np.abs(p).sum(1))
            active = move & ~tiny
    return p, np.where(np.isfinite(value), value, np.inf)


def default_starts(f, grad, window, minima):
    xmin, xmax, ymin, ymax = window
    cx, cy, hx, hy = (xmin + xmax) / 2, (ymin + ymax) / 2, (xmax - xmin) / 2, (ymax - ymin) / 2
    points = []
    for u, v in _START_FRACTIONS:
        x, y = float(f"{cx + u * hx:.3g}"), float(f"{cy + v * hy:.3g}")
        with np.errstate(all="ignore"):
            usable = np.isfinite(f(x, y)) and np.isfinite(grad(x, y)).all()
        far = all(math.hypot(x - mx, y - my) > 0.1 * min(hx, hy) for mx, my in minima)
        if usable and far:
            points.append((x, y))
        if len(points) == 4:
            break
    if not points:
        raise FormulaError(
            "J or its gradient is not a finite number at any of the default start points; "
            "give starts"
        )
    return tuple(points)

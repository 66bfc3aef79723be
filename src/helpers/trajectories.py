"""Run an optimizer on a 2D surface and keep everything needed to draw and judge the run.

    >>> from helpers import optimizers, surfaces, trajectories
    >>> result = trajectories.run(optimizers.get("momentum", learning_rate=0.05),
    ...                           surfaces.get("bowl"), steps=100)
    >>> result.path.shape, result.losses.shape, result.diverged_at
    ((101, 2), (101,), None)

``run`` is vectorized: give it several start points (shape (..., 2)) or arrays of
hyperparameter values (e.g. ``learning_rate=np.logspace(-3, 0, 100)[:, None]`` and
``momentum=np.linspace(0, 0.99, 100)``) and every combination runs at once, through NumPy
broadcasting. Paths then have shape (steps + 1, *batch, 2).

A run *diverges* at the first step whose loss is not finite or exceeds ``bound``; from then on
nothing more is computed for it (its later points are NaN) and no floating-point warning is
printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import config
from .optimizers import Optimizer
from .optimizers import get as get_optimizer
from .surfaces import Surface
from .surfaces import get as get_surface


@dataclass
class Trajectory:
    """The result of ``run``: the path, its losses, the optimizer's state over time."""

    optimizer: Optimizer
    surface: Surface
    path: np.ndarray  # (steps + 1, *batch, 2); NaN after a divergence
    losses: np.ndarray  # (steps + 1, *batch)
    grads: np.ndarray  # (steps, *batch, 2): the (noisy) gradient used by each step; without
    # the path, (1, *batch, 2): the gradient of the step that reached the last point
    states: dict[str, np.ndarray] = field(default_factory=dict)  # each (steps + 1, ...)
    diverged_at: int | None | np.ndarray = None  # step index; batched: array with -1 for never
    bound: float = np.inf
    kept_path: bool = True  # False: path holds only the start and the last point computed

    @property
    def steps(self) -> int:
        return len(self.losses) - 1

    @property
    def batched(self) -> bool:
        return self.losses.ndim > 1

    @property
    def diverged(self) -> bool | np.ndarray:
        if self.batched:
            return self.diverged_at >= 0
        return self.diverged_at is not None

    @property
    def final_point(self) -> np.ndarray:
        """The last point computed (the divergence point for a diverged run)."""
        if not self.kept_path:
            return self.path[-1]
        idx = _last_finite_index(self.losses)
        return np.take_along_axis(self.path, idx[None, ..., None], 0)[0]

    @property
    def final_loss(self) -> float | np.ndarray:
        """The last loss computed (inf for a run that diverged)."""
        idx = _last_finite_index(self.losses)
        loss = np.take_along_axis(self.losses, idx[None, ...], 0)[0]
        diverged = np.asarray(self.diverged)
        out = np.where(diverged, np.inf, loss)
        return float(out) if out.ndim == 0 else out

    @property
    def gap(self) -> np.ndarray:
        """J(θ_k) − J*, the distance in loss to the global minimum value, per step."""
        return self.losses - self.surface.min_value

    @property
    def distances(self) -> np.ndarray:
        """Distance from each point of the path to the nearest global minimum."""
        return self.surface.distance_to_minimum(self.path)

    def steps_to(self, tolerance: float = 1e-6) -> int | None | np.ndarray:
        """The first step at which J(θ) − J* ≤ tolerance and stays there until the end of the
        run (None, or -1 in a batch, when never)."""
        within = self.gap <= tolerance
        # Stays within: a step counts only if no later step leaves the tolerance.
        stays = np.flip(np.logical_and.accumulate(np.flip(within, 0), 0), 0)
        first = np.where(stays.any(0), stays.argmax(0), -1)
        if not self.batched:
            return None if first < 0 else int(first)
        return first

    def of_start(self, k: int) -> Trajectory:
        """The run from the k-th start of a run from several start points (a batch of one
        axis): its path, losses, gradients, states and divergence, as a run from that start
        alone has them (``bound`` stays the batch's)."""
        if self.losses.ndim != 2:
            raise ValueError("of_start takes a run from several start points (a batch of one axis)")
        at = int(self.diverged_at[k])
        return replace(
            self,
            path=self.path[:, k],
            losses=self.losses[:, k],
            grads=self.grads[:, k],
            states={key: v[:, k] if np.ndim(v) >= 2 else v for key, v in self.states.items()},
            diverged_at=None if at < 0 else at,
        )

    def state(self, key: str) -> np.ndarray:
        """One state variable over time, e.g. ``"momentum"`` or ``"velocity"``."""
        try:
            return self.states[key]
        except KeyError:
            raise KeyError(f"{key!r} is not recorded; recorded: {', '.join(self.states)}") from None


def _last_finite_index(losses):
    valid = np.isfinite(losses)
    return np.where(valid.any(0), len(losses) - 1 - np.argmax(np.flip(valid, 0), 0), 0)


def default_bound(loss0, min_value) -> np.ndarray:
    """The loss above which a run has diverged: 10⁶ × (1 + |J(start) − J*|)."""
    return 1e6 * (1 + np.abs(loss0 - min_value))


def diverges(loss, bound) -> np.ndarray:
    """The one divergence rule of ``run`` and ``run_keras``: a loss that is not finite or
    exceeds ``bound`` in size."""
    return ~(np.abs(loss) <= bound)  # NaN compares False: diverged


def _batch_hyperparameters(optimizer: Optimizer) -> tuple[Optimizer, tuple[int, ...]]:
    """Give array hyperparameters a trailing axis so they broadcast against (..., 2) points."""
    arrays = {
        k: np.asarray(v, dtype=float)
        for k, v in optimizer.hyperparameters.items()
        if not isinstance(v, bool) and v is not None and np.ndim(v) > 0
    }
    if not arrays:
        return optimizer, ()
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    return optimizer.replace(**{k: a[..., None] for k, a in arrays.items()}), shape


def run(
    optimizer: Optimizer | str,
    surface: Surface | str,
    start=None,
    steps: int = 100,
    *,
    noise: float = 0.0,
    seed: int = config.SEED,
    bound: float | None = None,
    record_state: bool = True,
    keep_path: bool = True,
    schedule=None,
    dtype=np.float64,
) -> Trajectory:
    """Run ``optimizer`` on ``surface`` for ``steps`` steps from ``start``.

    start: a point (2,), or points (..., 2); default the surface's first start point.
    noise: standard deviation of Gaussian noise added to each gradient coordinate, to mimic
        mini-batch gradients (drawn from a generator seeded with ``seed``).
    bound: a run diverges when its loss exceeds this; default 10⁶ × (1 + |J(start) − J*|).
    record_state: keep the optimizer's state at every step (turn off for large grids).
    keep_path: keep every point and gradient; with False only the losses are kept per step,
        ``path`` holds just the start and the last point, and ``grads`` the gradient of the
        step that reached it (for large grids and long runs).
    schedule: a function of the step t = 0, 1, … giving the learning rate of step t + 1 (as
        Keras evaluates its schedules at the number of steps taken); see ``helpers.schedules``.
    dtype: the floating type of the parameters (float32 to compare with Keras).
    """
    optimizer = get_optimizer(optimizer)
    surface = get_surface(surface)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    start = np.asarray(surface.start if start is None else start, dtype=float)
    if start.shape[-1:] != (2,):
        raise ValueError(f"start must have shape (2,) or (..., 2); got {start.shape}")
    if schedule is not None and np.ndim(optimizer.learning_rate) > 0:
        raise ValueError("a schedule sets the learning rate: give a single learning_rate")
    opt, hyper_shape = _batch_hyperparameters(optimizer)
    batch = np.broadcast_shapes(start.shape[:-1], hyper_shape)
    params = np.array(np.broadcast_to(start, batch + (2,)), dtype=dtype)

    with np.errstate(all="ignore"):
        loss0 = surface.loss(params)
        if bound is None:
            bound = default_bound(loss0, surface.min_value)
        kept = steps + 1 if keep_path else 2
        path = np.full((kept,) + batch + (2,), np.nan, dtype=dtype)
        losses = np.full((steps + 1,) + batch, np.nan, dtype=dtype)
        grads_used = np.full((kept - 1,) + batch + (2,), np.nan, dtype=dtype)
        path[0], losses[0] = params, loss0
        state = opt.init(params)
        history = {}
        if record_state:
            history = {k: _empty_history(v, steps) for k, v in state.items()}
            _record(history, 0, state)
        rng = np.random.default_rng(seed) if noise else None
        alive = np.ones(batch, dtype=bool)
        diverged_at = np.full(batch, -1)

        single = batch == ()
        for k in range(1, steps + 1):
            if schedule is not None:
                opt = opt.replace(learning_rate=float(schedule(k - 1)))
            g = surface.gradient(opt.gradient_point(params, state)).astype(dtype, copy=False)
            if rng is not None:
                g = g + (noise * rng.standard_normal(g.shape)).astype(dtype)
            params, state = opt.update(params, g, state)
            loss = surface.loss(params)
            if not keep_path:  # the last point with a finite loss, as final_point picks it
                last = (alive & np.isfinite(loss))[..., None]
                path[1] = np.where(last, params, path[1])
                grads_used[0] = np.where(last, g, grads_used[0])
            if single:  # one run: plain Python checks, no masks
                if keep_path:
                    grads_used[k - 1], path[k] = g, params
                losses[k] = loss
                if record_state:
                    _record(history, k, state)
                if diverges(float(loss), bound):
                    diverged_at[()] = k
                    break
                continue
            bad = alive & diverges(loss, bound)
            if keep_path:
                grads_used[k - 1] = np.where(alive[..., None], g, np.nan)
                path[k] = np.where(alive[..., None], params, np.nan)
            losses[k] = np.where(alive, loss, np.nan)
            if record_state:
                _record(history, k, state)
            if bad.any():
                diverged_at[bad] = k
                alive &= ~bad
                # Frozen at NaN: a diverged run computes nothing meaningful from here on.
                params = np.where(alive[..., None], params, np.nan)
                if not alive.any():
                    break

    return _trajectory(
        optimizer, surface, path, losses, grads_used, diverged_at, bound, history, keep_path
    )


def _trajectory(
    optimizer, surface, path, losses, grads, diverged_at, bound, states=None, kept_path=True
) -> Trajectory:
    """The one place a Trajectory is made from a run's arrays (``diverged_at``: -1 for never)."""
    path[~np.isfinite(path)] = np.nan
    if np.ndim(diverged_at) == 0:
        first = int(diverged_at)
        diverged = None if first < 0 else first
    else:
        diverged = diverged_at
    return Trajectory(
        optimizer=optimizer,
        surface=surface,
        path=path,
        losses=losses,
        grads=grads,
        states=states or {},
        diverged_at=diverged,
        bound=float(np.max(bound)),
        kept_path=kept_path,
    )


def _empty_history(value, steps):
    value = np.asarray(value)
    return np.full(
        (steps + 1,) + value.shape, np.nan if value.dtype.kind == "f" else -1, value.dtype
    )


def _record(history, k, state):
    for key, value in state.items():
        history[key][k] = value


def run_keras(optimizer: Optimizer | str, surface: Surface | str, start=None, steps: int = 100):
    """Run the *Keras* optimizer matching ``optimizer`` on ``surface`` (float32, one start).

    The gradient of each step comes from the surface's NumPy gradient at the Keras variable's
    current value; the result is a Trajectory like ``run``'s (without state history), so that
    a notebook can show that its own rule, ``run`` and Keras follow the same path. A run
    diverges by ``run``'s rule and default bound, and stops there as ``run`` does.
    """
    from .backend import keras as _keras

    keras = _keras()
    optimizer = get_optimizer(optimizer)
    surface = get_surface(surface)
    steps = int(steps)
    start = np.asarray(surface.start if start is None else start, dtype=np.float32)
    variable = keras.Variable(start.copy(), dtype="float32")
    keras_opt = optimizer.to_keras()
    path = np.full((steps + 1, 2), np.nan, dtype=np.float32)
    losses = np.full(steps + 1, np.nan)
    grads = np.full((steps, 2), np.nan, dtype=np.float32)
    diverged_at = -1
    with np.errstate(all="ignore"):
        path[0], losses[0] = start, surface.loss(start)
        bound = default_bound(losses[0], surface.min_value)
        for k in range(1, steps + 1):
            g = surface.gradient(variable.numpy()).astype(np.float32)
            keras_opt.apply_gradients([(keras.ops.convert_to_tensor(g), variable)])
            grads[k - 1], path[k] = g, variable.numpy()
            losses[k] = surface.loss(path[k])
            if diverges(losses[k], bound):
                diverged_at = k
                break
    return _trajectory(optimizer, surface, path, losses, grads, diverged_at, bound)


def max_difference(*paths) -> float:
    """The largest coordinate difference between paths of the same shape (NaNs ignored)."""
    first = np.asarray(paths[0], dtype=np.float64)
    return max(float(np.nanmax(np.abs(first - np.asarray(p, dtype=np.float64)))) for p in paths[1:])

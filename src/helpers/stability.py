"""Stability maps: run an optimizer over a grid of two hyperparameters at once and keep, for
every pair, the final loss, the steps to a tolerance and the step of divergence.

    >>> from helpers.stability import compute_stability_map
    >>> x, y = ("learning_rate", np.logspace(-3, 0, 50)), ("momentum", np.linspace(0, 0.99, 50))
    >>> data = compute_stability_map("momentum", "bowl", x, y)
    >>> data.best()

Drawing one is ``helpers.plotting.stability_map``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .optimizers import get as get_optimizer
from .surfaces import Surface
from .surfaces import get as get_surface
from .trajectories import run

GAP_FLOOR = 1e-16  # J − J* is shown on a log scale, floored here


@dataclass
class StabilityMap:
    """Final losses over a grid of two hyperparameters (rows: y values, columns: x values)."""

    optimizer: object
    surface: Surface
    x_name: str
    x: np.ndarray
    y_name: str
    y: np.ndarray
    final_gap: np.ndarray  # J − J* after the last step; inf where the run diverged
    steps_to: np.ndarray  # first step within tolerance for good; -1 if never
    diverged_at: np.ndarray  # -1 if never
    steps: int
    tolerance: float

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def converged(self) -> np.ndarray:
        return self.steps_to >= 0

    def best(self) -> dict:
        """The grid point that reaches the tolerance in the fewest steps (or the lowest loss)."""
        if self.converged.any():
            score = np.where(self.converged, self.steps_to, np.iinfo(int).max)
        else:
            score = np.where(self.diverged, np.inf, self.final_gap)
        i, j = np.unravel_index(np.argmin(score), score.shape)
        return {
            self.x_name: float(self.x[j]),
            self.y_name: float(self.y[i]),
            "steps_to": int(self.steps_to[i, j]),
            "final_gap": float(self.final_gap[i, j]),
        }


def compute_stability_map(optimizer, surface, x, y, steps=200, start=None, tolerance=1e-6):
    """Run ``optimizer`` on every (x, y) pair of hyperparameter values at once.

    x, y: ``(name, values)`` pairs, e.g. ``("learning_rate", np.logspace(-4, 0, 100))``.
    """
    optimizer = get_optimizer(optimizer)
    surface = get_surface(surface)
    (x_name, xs), (y_name, ys) = x, y
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    grid = optimizer.replace(**{x_name: xs[None, :], y_name: ys[:, None]})
    result = run(grid, surface, start=start, steps=steps, record_state=False, keep_path=False)
    final = np.where(result.diverged, np.inf, result.final_loss - surface.min_value)
    return StabilityMap(
        optimizer=optimizer,
        surface=surface,
        x_name=x_name,
        x=xs,
        y_name=y_name,
        y=ys,
        final_gap=np.maximum(final, GAP_FLOOR),
        steps_to=result.steps_to(tolerance),
        diverged_at=result.diverged_at,
        steps=steps,
        tolerance=tolerance,
    )

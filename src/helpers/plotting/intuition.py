"""The book's intuition figures, drawn from data: Nesterov's look-ahead across a valley, and
the weights of an exponential moving average."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import portable
from ..surfaces import Surface
from ..trajectories import Trajectory
from .paths import draw_surface
from .style import color


def lookahead_arrows(result: Trajectory, steps, ax=None, scale: float | None = None):
    """Nesterov's look-ahead on a momentum run: at each of ``steps``, the point θ, the point
    θ + βm where the momentum alone would carry it, and the gradient step −∇J measured at each
    (the grey arrow at θ is plain momentum's, the coloured one at θ + βm Nesterov's).

    result: a run of momentum (or Nesterov) with its states recorded. The arrows share one
    length scale, ``scale`` (default: the longest is a fifth of the window's height).
    Returns (ax, data) where data holds the arrays drawn: "theta", "ahead", "grad_here" and
    "grad_ahead", one row per step.
    """
    surface: Surface = result.surface
    beta = float(result.optimizer.momentum)
    steps = np.asarray(steps)
    theta = result.path[steps]
    ahead = theta + beta * result.states["momentum"][steps]
    grad_here = np.array([surface.gradient(point) for point in theta])
    grad_ahead = np.array([surface.gradient(point) for point in ahead])
    ax = draw_surface(surface, ax=ax, title=False)
    # the window: the points drawn, with room for the arrows
    points = np.concatenate([theta, ahead])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.35 * (high - low).max()
    xmin, ymin = low - pad
    xmax, ymax = high + pad
    longest = np.abs(np.concatenate([grad_here, grad_ahead])).max()
    scale = scale or pad / longest
    ax.plot(*result.path[: steps.max() + 2].T, color="0.5", lw=0.8, zorder=3)
    for start, end in zip(theta, ahead):
        ax.annotate(
            "", end, start, arrowprops={"arrowstyle": "->", "ls": "--", "color": "0.3"}, zorder=4
        )
    arrows = {"−∇J(θ): momentum": (theta, grad_here, "0.35")}
    arrows["−∇J(θ + βm): Nesterov"] = (ahead, grad_ahead, color("nesterov"))
    for label, (where, grad, colour) in arrows.items():
        ax.quiver(
            *where.T,
            *(-scale * grad).T,
            angles="xy",
            scale_units="xy",
            scale=1,
            color=colour,
            width=0.006,
            zorder=6,
            label=label,
        )
    ax.plot(*theta.T, "o", color="0.2", ms=4, zorder=7, label="θ")
    ax.plot(*ahead.T, "o", color=color("nesterov"), ms=4, zorder=7, label="θ + βm")
    wxmin, wxmax, wymin, wymax = surface.window
    ax.set(xlim=(max(xmin, wxmin), min(xmax, wxmax)), ylim=(max(ymin, wymin), min(ymax, wymax)))
    ax.set_aspect("auto")
    ax.legend(loc="upper right", fontsize=8)
    data = {"theta": theta, "ahead": ahead, "grad_here": grad_here, "grad_ahead": grad_ahead}
    return ax, data


def ema_weights(betas=(0.5, 0.9, 0.99), terms: int = 40, ax=None, symbol: str = "β"):
    """The weight (1 − β)βᵏ that an exponential moving average, a ← βa + (1 − β)x, gives to the
    value k steps back, for each β; the dotted lines mark its memory 1/(1 − β).

    Returns (ax, weights) with weights[β] of shape (terms,).
    """
    ax = ax or plt.gca()
    k = np.arange(terms)
    weights = {}
    for beta in betas:
        weights[beta] = (1 - beta) * portable.power(beta, k.astype(float))
        (line,) = ax.plot(k, weights[beta], marker="o", ms=3, label=f"{symbol} = {beta:g}")
        ax.fill_between(k, weights[beta], color=line.get_color(), alpha=0.15)
        if 1 / (1 - beta) < terms:
            ax.axvline(1 / (1 - beta), color=line.get_color(), ls=":", lw=1)
    ax.set(
        xlabel="k: steps back",
        ylabel=f"weight (1 − {symbol}){symbol}$^k$",
        title=f"the weights of an exponential moving average (dotted: its memory 1/(1 − {symbol}))",
    )
    ax.legend()
    return ax, weights

"""The loss landscape of the book's MLP (computed by ``helpers.landscape``): contours of the
loss over a plane of weight space, with each optimizer's path projected onto it."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .. import registry
from .style import SURFACE_CMAP


def _levels(grid, n: int) -> np.ndarray:
    """Log-spaced loss levels from the lowest grid value to the 98th percentile."""
    finite = grid[np.isfinite(grid) & (grid > 0)]
    low, high = finite.min(), np.quantile(finite, 0.98)
    return np.exp(np.linspace(np.log(low), np.log(max(high, low * 1.01)), n))


def draw_landscape(ax, axes_a, axes_b, grid, levels: int = 18, label: bool = True):
    """Filled, log-spaced contours of ``grid`` (len(b), len(a)); returns the filled contours."""
    lv = _levels(np.asarray(grid), levels)
    norm = mpl.colors.LogNorm(lv[0], lv[-1])
    clipped = np.clip(grid, lv[0], lv[-1])
    filled = ax.contourf(
        axes_a, axes_b, clipped, levels=lv, cmap=SURFACE_CMAP, norm=norm, alpha=0.55, extend="both"
    )
    lines = ax.contour(axes_a, axes_b, clipped, levels=lv[::3], colors="0.35", linewidths=0.6)
    if label:
        ax.clabel(lines, fmt="%.2g", fontsize=7, inline=True)
    low = np.unravel_index(np.argmin(grid), np.shape(grid))
    ax.plot(
        axes_a[low[1]],
        axes_b[low[0]],
        "*",
        color="white",
        markeredgecolor="black",
        markersize=13,
        zorder=5,
        label="lowest grid point",
    )
    return filled


def plot_landscape(scape, ax=None, title: str | None = None, legend: bool = True):
    """The loss over the PCA plane with every optimizer's projected path (one marker per
    epoch, a filled circle at the common start, an open one at each end). Returns fig, ax."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.2, 5.6))
    fig = ax.figure
    filled = draw_landscape(ax, scape.alphas, scape.betas, scape.grid)
    fig.colorbar(filled, ax=ax, label="training loss (5,000 images)", format="%.2g")
    for name in scape.names:
        path = np.asarray(scape.coordinates[name])
        c = registry.color(name)
        ax.plot(
            *path.T,
            "-",
            color=c,
            lw=2,
            marker=registry.marker(name),
            ms=5,
            zorder=3,
            label=f"{registry.display_name(name)} ({scape.explained[name]:.0%} in plane)",
        )
        ax.plot(*path[-1], "o", color="white", mec=c, mew=2.5, ms=10, zorder=4)
    ax.plot(0, 0, "o", color="black", mec="white", ms=9, zorder=4, label="common start")
    shares = scape.shares
    ax.set(
        xlabel=f"1st principal direction ({shares[0]:.0%} of the pooled squared distance)",
        ylabel=f"2nd principal direction ({shares[1]:.0%})",
        title=title or "the loss over the plane of the paths (PCA)",
    )
    if legend:
        ax.legend(fontsize=8, loc="best", framealpha=0.9)
    return fig, ax


def plot_random_slice(scape, ax=None, title: str | None = None):
    """The loss over the filter-normalised random plane through one optimizer's end point."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 4.8))
    fig = ax.figure
    filled = draw_landscape(ax, scape.random_axis, scape.random_axis, scape.random_grid)
    fig.colorbar(filled, ax=ax, label="training loss (5,000 images)", format="%.2g")
    name = scape.random_centre
    ax.plot(
        0,
        0,
        "o",
        color="white",
        mec=registry.color(name),
        mew=2.5,
        ms=10,
        zorder=4,
        label=f"{registry.display_name(name)}'s end point",
    )
    ax.set(
        xlabel="random direction 1 (filter-normalised)",
        ylabel="random direction 2",
        title=title or f"a random plane through {registry.display_name(name)}'s end point",
    )
    ax.set_aspect("equal", adjustable="box")
    ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
    return fig, ax

"""Drawing a stability map (the computation is ``helpers.stability``)."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .. import registry
from ..stability import compute_stability_map

# --------------------------------------------------------------------------------------------
# Stability maps


def _symbol(name: str) -> str:
    return registry.SYMBOLS.get(name, name)


def stability_map(
    optimizer,
    surface,
    x,
    y,
    steps: int = 200,
    start=None,
    tolerance: float = 1e-6,
    ax=None,
    xscale: str = "log",
    yscale: str = "linear",
    vmin: float | None = None,
    vmax: float | None = None,
    explorer=None,
):
    """A heatmap of the final loss over a grid of two hyperparameters, in one vectorized run.

    x, y: ``(name, values)``, e.g. ``x=("learning_rate", np.logspace(-4, 0, 100))``,
    ``y=("momentum", np.linspace(0, 0.99, 100))``.

    Colour: log₁₀(J − J*) after ``steps`` steps; red: diverged; the white line encloses the
    settings that reach J − J* ≤ ``tolerance``. ``vmin``/``vmax`` fix the colour scale (in
    log₁₀ units) so that several maps can be compared. Returns ``fig, ax, StabilityMap``.

    explorer: a live explorer (``helpers.widgets.explorer``) whose sliders include ``x`` and
    ``y``: a ring marks its values and follows them, and under ipympl (``%matplotlib widget``)
    a click on the map sets them. With the inline backend this figure is a still picture;
    ``helpers.widgets.linked_map`` is the map as a widget that follows in place.
    """
    data = compute_stability_map(optimizer, surface, x, y, steps, start, tolerance)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.2, 4.6))
    values = np.log10(np.where(data.diverged, np.nan, data.final_gap))
    mesh = ax.pcolormesh(
        data.x, data.y, values, cmap="viridis", shading="nearest", vmin=vmin, vmax=vmax
    )
    ax.pcolormesh(
        data.x,
        data.y,
        np.where(data.diverged, 1.0, np.nan),
        cmap=mpl.colors.ListedColormap(["#d62728"]),
        shading="nearest",
    )
    if data.converged.any() and not data.converged.all():
        ax.contour(
            data.x,
            data.y,
            data.converged.astype(float),
            levels=[0.5],
            colors="white",
            linewidths=1.5,
        )
    ax.set(
        xscale=xscale,
        yscale=yscale,
        xlabel=f"{_symbol(data.x_name)} ({data.x_name})",
        ylabel=f"{_symbol(data.y_name)} ({data.y_name})",
    )
    ax.set_title(
        f"{registry.display_name(data.optimizer.kind)} on {data.surface.title}, {steps} steps",
        fontsize=11,
    )
    ax.figure.colorbar(mesh, ax=ax, label="log₁₀(J − J*) at the end (red: diverged)")
    if explorer is not None:
        explorer.link_map(ax, data)
    return ax.figure, ax, data

"""Figures for the course, in one style: cost surfaces with paths, losses, images, curves.

Every drawing function returns the artists it made, so that the live explorer
(``helpers.widgets``) can move them in place instead of drawing the figure again.

Colours: one per optimizer across the course (``COLORS``, kept in ``helpers.registry``), from
Petroff's accessible 10-colour sequence (designed and tested for colour-vision deficiencies),
with near-black for plain gradient descent; each optimizer also has its own marker, so that
paths stay apart in grey print.

The package's modules, one job each: ``style`` (rcParams, colours, log-axis limits), ``paths``
(surfaces and paths), ``curves`` (losses, images, training curves), ``states`` (the optimizer's
internal state), ``forces`` (a step's forces as arrows, for the explorer's replay),
``stability`` (drawing stability maps; they are computed by ``helpers.stability``),
``intuition`` (Nesterov's look-ahead, the weights of a moving average) and ``landscape`` (the
MLP's loss over a plane of its weights). Every name is also
here, as ``plotting.draw_path`` and so on.
"""

from .. import registry
from ..deprecation import deprecated_names
from ..registry import COLORS, MARKERS
from ..stability import GAP_FLOOR, StabilityMap, compute_stability_map
from .curves import (
    draw_loss,
    learning_curves,
    limit_loss_axis,
    loss_values,
    run_colors,
    show_images,
)
from .forces import ForceArrows, Forces, StateBars, force_legend, forces
from .intuition import ema_weights, lookahead_arrows
from .landscape import draw_landscape, plot_landscape, plot_random_slice
from .paths import PathArtists, contour_levels, draw_path, draw_surface, plot_paths, visible_path
from .stability import stability_map
from .states import bias_corrections, state_panel, state_series
from .style import MAX_DECADE, STYLE, SURFACE_CMAP, color, decade_limits, use_style

__all__ = [
    "COLORS",
    "GAP_FLOOR",
    "MARKERS",
    "MAX_DECADE",
    "STYLE",
    "SURFACE_CMAP",
    "ForceArrows",
    "Forces",
    "PathArtists",
    "StateBars",
    "StabilityMap",
    "bias_corrections",
    "color",
    "compute_stability_map",
    "contour_levels",
    "decade_limits",
    "draw_landscape",
    "draw_loss",
    "draw_path",
    "draw_surface",
    "ema_weights",
    "force_legend",
    "forces",
    "learning_curves",
    "limit_loss_axis",
    "lookahead_arrows",
    "loss_values",
    "plot_landscape",
    "plot_paths",
    "plot_random_slice",
    "run_colors",
    "show_images",
    "stability_map",
    "state_panel",
    "state_series",
    "use_style",
    "visible_path",
]


def _save_fig(fig, name: str, folder=None):
    """Save a figure as PNG under ``figures/`` of the checkout (or ``folder``)."""
    from pathlib import Path

    from .. import config

    root = config.project_root()
    folder = Path(folder) if folder else (root / "figures" if root else Path("figures"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path)
    return path


__getattr__ = deprecated_names(
    __name__,
    {
        "DISPLAY": (
            lambda optimizer: registry.display_name(optimizer.kind),
            "helpers.registry.display_name(optimizer.kind)",
        ),
        "save_fig": (_save_fig, "fig.savefig(path)"),
    },
)

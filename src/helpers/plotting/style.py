"""The course's figure style: rcParams, one colour and marker per optimizer (kept in
``helpers.registry``), and log-axis limits snapped to whole decades."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import registry
from ..registry import COLORS
from ..stability import GAP_FLOOR

STYLE = {
    "figure.figsize": (10, 4),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())),
}
SURFACE_CMAP = "Greys_r"  # light valleys, darker walls: coloured paths stand out on it


def use_style() -> None:
    """Apply the course's figure style (every notebook's setup cell calls it)."""
    mpl.rcParams.update(STYLE)


def color(kind: str) -> str:
    """The colour of an optimizer (by course name, e.g. "adam")."""
    return registry.color(kind)


MAX_DECADE = 250  # log axes end by 10²⁵⁰: the ticks, a stride beyond, overflow past 10³⁰⁸


def decade_limits(values, floor: float = GAP_FLOOR, pad: float = 1.0) -> tuple[float, float]:
    """Limits for a log axis, snapped to whole decades (so that they rarely change)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return (floor, 1.0)
    top = min(np.ceil(np.log10(finite.max()) + 1e-9), MAX_DECADE)
    low = 10.0 ** min(np.floor(np.log10(max(finite.min(), floor)) - pad + 1e-9), top - 1)
    high = 10.0**top
    return (max(low, floor), high if high > low else low * 10)

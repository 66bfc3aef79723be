"""Cost surfaces and the paths drawn on them: contours, a path clipped to the window with its
start, end and divergence marks (``PathArtists``, moved in place by the explorers), and
``plot_paths`` for several runs with their losses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .. import registry
from ..surfaces import Surface
from ..surfaces import get as get_surface
from ..surfaces import names as surface_names
from ..trajectories import Trajectory
from .curves import draw_loss, limit_loss_axis, run_colors
from .style import SURFACE_CMAP

# --------------------------------------------------------------------------------------------
# Cost surfaces


@lru_cache(maxsize=32)
def _grid(surface_key, n):
    surface = _SURFACES[surface_key]
    X, Y, Z = surface.grid(n)
    gap = np.maximum(Z - surface.min_value, 0.0)
    return X, Y, gap


_SURFACES: dict[tuple, Surface] = {}


def _key(surface: Surface) -> tuple:
    key = (surface.name, tuple(sorted(surface.parameters.items())), surface.window)
    if surface.name not in surface_names():  # your own surface: known by its function
        key += (surface.f,)
    _SURFACES[key] = surface
    return key


def contour_levels(surface: Surface, n: int = 18) -> np.ndarray:
    """Log-spaced levels of J − J* that show both the valley floor and the walls."""
    _, _, gap = _grid(_key(surface), 160)
    positive = gap[gap > 0]
    low = max(np.quantile(positive, 0.002), positive.max() * 1e-9)
    high = np.quantile(positive, 0.98)
    return np.geomspace(low, high, n)


def draw_surface(surface: Surface | str, ax=None, n: int = 160, levels: int = 18, title=True):
    """Contours of a surface (log-spaced, filled lightly) with its minima marked."""
    surface = get_surface(surface)
    ax = ax or plt.gca()
    X, Y, gap = _grid(_key(surface), n)
    lv = contour_levels(surface, levels)
    norm = mpl.colors.LogNorm(lv[0], lv[-1])
    clipped = np.clip(gap, lv[0], lv[-1])
    ax.contourf(X, Y, clipped, levels=lv, cmap=SURFACE_CMAP, norm=norm, alpha=0.4, extend="both")
    ax.contour(X, Y, clipped, levels=lv, colors="0.45", linewidths=0.5, alpha=0.8)
    mx, my = np.array(surface.minima).T
    ax.plot(mx, my, "*", color="white", markeredgecolor="black", markersize=14, zorder=5)
    xmin, xmax, ymin, ymax = surface.window
    ax.set(xlim=(xmin, xmax), ylim=(ymin, ymax), xlabel="$θ_1$", ylabel="$θ_2$")
    ax.set_aspect("equal", adjustable="box")
    if title:
        ax.set_title(title if isinstance(title, str) else surface.title)
    return ax


def _clip_segment(p, q, window):
    """The point where the segment p→q leaves the window (Liang–Barsky), or q if it stays."""
    xmin, xmax, ymin, ymax = window
    d = q - p
    t_exit = 1.0
    for delta, low, high, start in ((d[0], xmin, xmax, p[0]), (d[1], ymin, ymax, p[1])):
        if delta > 0:
            t_exit = min(t_exit, (high - start) / delta)
        elif delta < 0:
            t_exit = min(t_exit, (low - start) / delta)
    return p + max(t_exit, 0.0) * d


def _edge_towards(point, window):
    """The point where the way from the window's centre to ``point`` crosses its border (or
    ``point`` itself, if it lies inside)."""
    xmin, xmax, ymin, ymax = window
    centre = np.array([(xmin + xmax) / 2, (ymin + ymax) / 2])
    return _clip_segment(centre, np.asarray(point, dtype=float), window)


def visible_path(path: np.ndarray, window, diverged: bool):
    """The part of a path to draw, and the point at which to mark a divergence (or None).

    The path is cut where it first becomes non-finite or flies far outside the window (three
    window-widths), so that no overflow reaches the renderer. For a diverged run the mark sits
    where the path last left the window, or at its last point if it never did; for one that
    never entered the window (a start far outside), on the border, on the side of the start.
    """
    xmin, xmax, ymin, ymax = window
    w, h = xmax - xmin, ymax - ymin
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(path).all(-1)
        ok &= (path[:, 0] > xmin - w) & (path[:, 0] < xmax + w)
        ok &= (path[:, 1] > ymin - h) & (path[:, 1] < ymax + h)
    n = len(path) if ok.all() else int(np.argmin(ok))
    shown = path[:n]
    if not diverged:
        return shown, None
    if n == 0:
        if len(path) == 0 or not np.isfinite(path[0]).all():
            return shown, None
        return shown, _edge_towards(path[0], window)
    inside = (
        (shown[:, 0] >= xmin)
        & (shown[:, 0] <= xmax)
        & (shown[:, 1] >= ymin)
        & (shown[:, 1] <= ymax)
    )
    if not inside.any():
        return shown, _edge_towards(shown[0], window)
    last = len(inside) - 1 - int(np.argmax(inside[::-1]))
    if last < n - 1:
        mark = _clip_segment(shown[last], shown[last + 1], window)
    elif n < len(path) and np.isfinite(path[n]).all():
        mark = _clip_segment(shown[last], path[n], window)
        shown = np.vstack([shown, mark])
    else:
        mark = shown[last]
    return shown, mark


@dataclass
class PathArtists:
    """The artists of one path on a surface: line, start and end markers, divergence mark."""

    line: mpl.lines.Line2D
    start: mpl.lines.Line2D
    end: mpl.lines.Line2D
    cross: mpl.lines.Line2D
    note: mpl.text.Annotation
    window: tuple

    def update(self, result: Trajectory | None) -> None:
        """Show ``result`` (or nothing, for None) by changing the artists in place."""
        if result is None:
            for artist in (self.line, self.start, self.end, self.cross, self.note):
                artist.set_visible(False)
            return
        for artist in (self.line, self.start, self.end):
            artist.set_visible(True)
        shown, mark = visible_path(result.path, self.window, result.diverged)
        self.line.set_data(shown[:, 0], shown[:, 1])
        self.start.set_data(shown[:1, 0], shown[:1, 1])
        if mark is None:
            self.end.set_data(shown[-1:, 0], shown[-1:, 1])
            self.cross.set_visible(False)
            self.note.set_visible(False)
        else:
            self.end.set_visible(False)
            self.cross.set_data([mark[0]], [mark[1]])
            self.cross.set_visible(True)
            self.note.xy = tuple(mark)
            self._place_note(mark)
            self.note.set_text(f"diverged at step {result.diverged_at}")
            self.note.set_visible(True)

    def _place_note(self, mark) -> None:
        """The note beside the mark, on the window's side, so that a mark on the border (where
        a divergence leaves the window) keeps its note inside the plot."""
        xmin, xmax, ymin, ymax = self.window
        x, y = mark
        near_top = y > ymax - 0.15 * (ymax - ymin)
        self.note.xyann = (0, -12 if near_top else 12)
        self.note.set_verticalalignment("top" if near_top else "baseline")
        if x > xmax - 0.2 * (xmax - xmin):
            self.note.set_horizontalalignment("right")
        elif x < xmin + 0.2 * (xmax - xmin):
            self.note.set_horizontalalignment("left")
        else:
            self.note.set_horizontalalignment("center")

    def remove(self) -> None:
        for artist in (self.line, self.start, self.end, self.cross, self.note):
            artist.remove()


def draw_path(ax, result: Trajectory | None, *, color=None, label=None, ghost=False, window=None):
    """Draw one trajectory on a surface plot; return its ``PathArtists`` (for updates)."""
    kind = result.optimizer.kind if result is not None else "gd"
    c = color or registry.color(kind)
    alpha = 0.55 if ghost else 1.0
    width = 1.5 if ghost else 2.0
    (line,) = ax.plot([], [], "-", color=c, lw=width, alpha=alpha, label=label, zorder=3)
    line.set_marker(registry.marker(kind))
    line.set_markersize(3.0 if ghost else 3.5)
    line.set_markevery(1)
    (start,) = ax.plot([], [], "o", color=c, mec="white", ms=8, alpha=alpha, zorder=4)
    (end,) = ax.plot([], [], "o", color="white", mec=c, mew=2.5, ms=9, alpha=alpha, zorder=4)
    (cross,) = ax.plot(
        [], [], "X", color=c, mec="black", ms=13, zorder=6, visible=False, clip_on=False
    )
    note = ax.annotate(
        "",
        xy=(0, 0),
        xytext=(0, 12),
        textcoords="offset points",
        ha="center",
        fontsize=9,
        color=c,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": c, "alpha": 0.9},
        zorder=7,
        visible=False,
        annotation_clip=False,
    )
    artists = PathArtists(line, start, end, cross, note, window or _window_of(ax, result))
    artists.update(result)
    return artists


def _window_of(ax, result):
    if result is not None:
        return result.surface.window
    return (*ax.get_xlim(), *ax.get_ylim())


def plot_paths(runs, surface=None, *, title=None, loss=True, axes=None, legend=True, colors=None):
    """Paths of several runs on one surface, and (``loss=True``) their losses beside it.

    runs: a list of Trajectory, or a dict {label: Trajectory}.
    colors: one colour per run; by default each optimizer's course colour (see ``run_colors``).
    Returns ``fig, axes``.
    """
    items = list(runs.items()) if isinstance(runs, dict) else [(r.optimizer.label, r) for r in runs]
    surface = get_surface(surface or items[0][1].surface)
    if axes is None:
        ncols = 2 if loss else 1
        fig, axes = plt.subplots(1, ncols, figsize=(11, 4.4) if loss else (5.6, 4.4))
        axes = np.atleast_1d(axes)
    else:
        axes = np.atleast_1d(axes)
        fig = axes[0].figure
    draw_surface(surface, axes[0], title=title or surface.title)
    if colors is None:
        colors = run_colors([result for _, result in items])
    elif len(colors) != len(items):
        raise ValueError(f"plot_paths: {len(items)} runs but {len(colors)} colours")
    for (label, result), c in zip(items, colors):
        draw_path(axes[0], result, label=label, color=c)
    if loss:
        for (label, result), c in zip(items, colors):
            draw_loss(axes[1], result, label=label, color=c)
        limit_loss_axis(axes[1], [result for _, result in items])
        axes[1].set_title("loss, log scale")
    if legend:
        axes[-1].legend(loc="best")
    return fig, axes

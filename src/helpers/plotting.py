"""Figures for the course, in one style: cost surfaces with paths, losses, images, curves.

Every drawing function returns the artists it made, so that the live explorer
(``helpers.widgets``) can move them in place instead of drawing the figure again.

Colours: one per optimizer across the course (``COLORS``), taken from Petroff's accessible
10-colour sequence (designed and tested for colour-vision deficiencies), with near-black for
plain gradient descent; each optimizer also has its own marker, so that paths stay apart in
grey print.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import config
from .surfaces import Surface
from .surfaces import get as get_surface
from .trajectories import Trajectory

COLORS = {
    "gd": "#222222",
    "momentum": "#ffa90e",
    "nesterov": "#bd1f01",
    "nesterov_lookahead": "#92dadd",
    "adagrad": "#a96b59",
    "rmsprop": "#832db6",
    "adam": "#3f90da",
    "adamax": "#b9ac70",
    "nadam": "#e76300",
    "adamw": "#717581",
}
MARKERS = {
    "gd": "o",
    "momentum": "s",
    "nesterov": "D",
    "nesterov_lookahead": "d",
    "adagrad": "^",
    "rmsprop": "v",
    "adam": "P",
    "adamax": "X",
    "nadam": "*",
    "adamw": "h",
}
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
GAP_FLOOR = 1e-16  # losses are drawn as J − J* on a log scale, floored here


def use_style() -> None:
    """Apply the course's figure style (every notebook's setup cell calls it)."""
    mpl.rcParams.update(STYLE)


def color(kind: str) -> str:
    """The colour of an optimizer (by course name, e.g. "adam")."""
    return COLORS.get(kind, "#444444")


def save_fig(fig, name: str, folder: str | Path | None = None) -> Path:
    """Save a figure as PNG under ``figures/`` of the checkout (or ``folder``)."""
    root = config.project_root()
    folder = Path(folder) if folder else (root / "figures" if root else Path("figures"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path)
    return path


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
    key = (surface.name, tuple(sorted(surface.parameters.items())))
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
        ax.set_title(surface.title)
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


def visible_path(path: np.ndarray, window, diverged: bool):
    """The part of a path to draw, and the point at which to mark a divergence (or None).

    The path is cut where it first becomes non-finite or flies far outside the window (three
    window-widths), so that no overflow reaches the renderer. For a diverged run the mark sits
    where the path last left the window, or at its last point if it never did.
    """
    xmin, xmax, ymin, ymax = window
    w, h = xmax - xmin, ymax - ymin
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(path).all(-1)
        ok &= (path[:, 0] > xmin - w) & (path[:, 0] < xmax + w)
        ok &= (path[:, 1] > ymin - h) & (path[:, 1] < ymax + h)
    n = len(path) if ok.all() else int(np.argmin(ok))
    shown = path[:n]
    if not diverged or n == 0:
        return shown, None
    inside = (
        (shown[:, 0] >= xmin)
        & (shown[:, 0] <= xmax)
        & (shown[:, 1] >= ymin)
        & (shown[:, 1] <= ymax)
    )
    if not inside.any():
        return shown, shown[0]
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
            self.note.set_text(f"diverged at step {result.diverged_at}")
            self.note.set_visible(True)

    def remove(self) -> None:
        for artist in (self.line, self.start, self.end, self.cross, self.note):
            artist.remove()


def draw_path(ax, result: Trajectory | None, *, color=None, label=None, ghost=False, window=None):
    """Draw one trajectory on a surface plot; return its ``PathArtists`` (for updates)."""
    kind = result.optimizer.kind if result is not None else "gd"
    c = color or COLORS.get(kind, "#444444")
    alpha = 0.55 if ghost else 1.0
    width = 1.5 if ghost else 2.0
    (line,) = ax.plot([], [], "-", color=c, lw=width, alpha=alpha, label=label, zorder=3)
    line.set_marker(MARKERS.get(kind, "o"))
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


def loss_values(result: Trajectory) -> np.ndarray:
    """J − J* per step, floored for a log axis (NaN after a divergence)."""
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isfinite(result.losses), result.losses - result.surface.min_value, np.nan)
        return np.where(np.isnan(gap), np.nan, np.maximum(gap, GAP_FLOOR))


def draw_loss(ax, result: Trajectory, *, color=None, label=None, ghost=False):
    """J(θ) − J* against the step on a log scale; returns the line."""
    c = color or COLORS.get(result.optimizer.kind, "#444444")
    y = loss_values(result)
    (line,) = ax.plot(
        np.arange(len(y)),
        y,
        color=c,
        lw=1.5 if ghost else 2.0,
        alpha=0.55 if ghost else 1.0,
        label=label,
    )
    ax.set(yscale="log", xlabel="step", ylabel="$J(θ) - J^*$")
    return line


def run_colors(results) -> list[str]:
    """The optimizer's colours, or shades of one sequence when optimizers repeat (an η sweep)."""
    kinds = [r.optimizer.kind for r in results]
    if len(set(kinds)) == len(kinds):
        return [COLORS.get(k, "#444444") for k in kinds]
    shades = plt.get_cmap("plasma")(np.linspace(0.0, 0.8, len(results)))
    return [mpl.colors.to_hex(c) for c in shades]


def limit_loss_axis(ax, results, headroom: float = 1e3) -> None:
    """Keep a diverging run from squashing the others: the top is 10³ × the largest start."""
    starts = [loss_values(r)[0] for r in results]
    finite = np.concatenate([loss_values(r)[np.isfinite(loss_values(r))] for r in results])
    ax.set_ylim(max(finite.min(), GAP_FLOOR) / 3, max(starts) * headroom)


def plot_paths(runs, surface=None, *, title=None, loss=True, axes=None, legend=True):
    """Paths of several runs on one surface, and (``loss=True``) their losses beside it.

    runs: a list of Trajectory, or a dict {label: Trajectory}.
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
    colors = run_colors([result for _, result in items])
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


# --------------------------------------------------------------------------------------------
# Fashion-MNIST and training


def show_images(X, y, class_names, n_rows: int = 3, n_cols: int = 10):
    """A grid of images with their class names (the book's first figure of the data)."""
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(n_cols * 1.2, n_rows * 1.45))
    for ax, image, label in zip(axes.flat, X, y):
        ax.imshow(image, cmap="binary", interpolation="nearest")
        ax.set_title(class_names[int(label)], fontsize=9)
        ax.axis("off")
    return fig, axes


def learning_curves(histories: dict, metrics=("loss", "val_accuracy"), axes=None):
    """Learning curves per epoch for several trainings: {label: History or dict}."""
    if axes is None:
        fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 3.8))
    axes = np.atleast_1d(axes)
    for label, history in histories.items():
        values = getattr(history, "history", history)
        kind = label.split(" ")[0].lower()
        for ax, metric in zip(axes, metrics):
            series = values[metric]
            ax.plot(
                np.arange(1, len(series) + 1),
                series,
                marker=MARKERS.get(kind, "o"),
                color=COLORS.get(kind),
                label=label,
            )
    for ax, metric in zip(axes, metrics):
        ax.set(xlabel="epoch", title=metric.replace("_", " "))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes[0].legend()
    return axes[0].figure, axes

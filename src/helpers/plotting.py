"""Figures for the course, in one style: cost surfaces with paths, losses, images, curves.

Every drawing function returns the artists it made, so that the live explorer
(``helpers.widgets``) can move them in place instead of drawing the figure again.

Colours: one per optimizer across the course (``COLORS``, kept in ``helpers.registry``), from
Petroff's accessible 10-colour sequence (designed and tested for colour-vision deficiencies),
with near-black for plain gradient descent; each optimizer also has its own marker, so that
paths stay apart in grey print.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import registry
from .registry import COLORS, MARKERS  # noqa: F401 - MARKERS: a public name
from .stability import GAP_FLOOR, StabilityMap, compute_stability_map  # noqa: F401 - public names
from .surfaces import Surface
from .surfaces import get as get_surface
from .trajectories import Trajectory

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


def loss_values(result: Trajectory) -> np.ndarray:
    """J − J* per step, floored for a log axis (NaN after a divergence)."""
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isfinite(result.losses), result.losses - result.surface.min_value, np.nan)
        return np.where(np.isnan(gap), np.nan, np.maximum(gap, GAP_FLOOR))


def draw_loss(ax, result: Trajectory, *, color=None, label=None, ghost=False):
    """J(θ) − J* against the step on a log scale; returns the line."""
    c = color or registry.color(result.optimizer.kind)
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
        return [registry.color(k) for k in kinds]
    shades = plt.get_cmap("plasma")(np.linspace(0.0, 0.8, len(results)))
    return [mpl.colors.to_hex(c) for c in shades]


def limit_loss_axis(ax, results, headroom: float = 1e3) -> None:
    """Keep a diverging run from squashing the others: the top is 10³ × the largest start."""
    starts = [loss_values(r)[0] for r in results]
    finite = np.concatenate([loss_values(r)[np.isfinite(loss_values(r))] for r in results])
    ax.set_ylim(max(finite.min(), GAP_FLOOR) / 3, max(starts) * headroom)


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


def learning_curves(histories: dict, metrics=("loss", "val_accuracy"), axes=None, styles=None):
    """Learning curves per epoch for several trainings: {label: History or dict}.

    Each curve takes the colour and marker of the optimizer named by its label's first word;
    ``styles`` ({label: keyword arguments of ``plot``}, e.g. ``{"AdaGrad, book": {"ls": "--"}}``)
    overrides them, to tell apart two runs of the same optimizer.
    """
    styles = styles or {}
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
                **{
                    "marker": registry.marker(kind),
                    "color": COLORS.get(kind),
                    "label": label,
                    **styles.get(label, {}),
                },
            )
    for ax, metric in zip(axes, metrics):
        ax.set(xlabel="epoch", title=metric.replace("_", " "))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes[0].legend()
    return axes[0].figure, axes


# --------------------------------------------------------------------------------------------
# The optimizer's internal state


def state_series(result: Trajectory) -> tuple[str, dict[str, np.ndarray]]:
    """The one state quantity that tells most about this optimizer, per coordinate and step.

    Gradient descent has no state: its gradient |∂J/∂θᵢ|. Momentum methods: the size of the
    momentum |mᵢ|. Adaptive methods: the effective step size per coordinate (η/√(sᵢ + ε) for
    AdaGrad and RMSProp; Adam's αₜ/(√sᵢ + ε̂), bias correction included). Returns a title and
    {label: values of shape (steps + 1,)}.
    """
    kind = result.optimizer.kind
    with np.errstate(all="ignore"):
        if kind == "gd":
            g = np.abs(result.grads)
            g = np.vstack([np.full((1, 2), np.nan), g])
            return "gradient size |∂J/∂θᵢ|", {"θ1": g[:, 0], "θ2": g[:, 1]}
        if kind in ("momentum", "nesterov", "nesterov_lookahead"):
            m = np.abs(result.states["momentum"])
            return "momentum size |mᵢ|", {"θ1": m[:, 0], "θ2": m[:, 1]}
        step = np.asarray(result.optimizer.effective_step(result.states))
        step = np.broadcast_to(step, result.path.shape).copy()
        step[0] = np.nan  # before the first step there is none
        return "effective step size per coordinate", {"θ1": step[:, 0], "θ2": step[:, 1]}


def bias_corrections(optimizer, steps: int) -> dict[str, np.ndarray]:
    """Adam's bias-correction factors 1/(1 − β1ᵗ) and 1/(1 − β2ᵗ) for t = 1 … steps."""
    t = np.arange(1, steps + 1)
    return {
        "1/(1 − β1ᵗ)": 1 / (1 - optimizer.beta_1**t),
        "1/(1 − β2ᵗ)": 1 / (1 - optimizer.beta_2**t),
    }


def state_panel(result: Trajectory, axes=None):
    """Every state variable of a run over the steps, one row each, chosen by optimizer.

    Momentum mᵢ (linear), accumulators sᵢ (log), the effective step per coordinate (log) and,
    for the Adam family, the bias-correction factors. Returns ``fig, axes``.
    """
    kind = result.optimizer.kind
    states = result.states
    rows = []
    if "momentum" in states and kind != "rmsprop":
        rows.append(
            (
                "momentum $m_i$",
                {"θ1": states["momentum"][:, 0], "θ2": states["momentum"][:, 1]},
                "linear",
            )
        )
    for key, title in (
        ("accumulator", "accumulator $s_i$"),
        ("velocity", "$s_i$ (decaying average of $g_i^2$)"),
        ("norm", "$u_i$ (decaying max of $|g_i|$)"),
    ):
        if key in states:
            rows.append((title, {"θ1": states[key][:, 0], "θ2": states[key][:, 1]}, "log"))
    if kind not in ("gd", "momentum", "nesterov", "nesterov_lookahead"):
        rows.append((*state_series(result), "log"))
    if hasattr(result.optimizer, "beta_2") and kind != "adamax":
        rows.append(
            ("bias-correction factors", bias_corrections(result.optimizer, result.steps), "log")
        )
    if not rows:
        rows.append((*state_series(result), "log"))
    if axes is None:
        fig, axes = plt.subplots(len(rows), 1, figsize=(6.5, 1.9 * len(rows) + 0.4), sharex=True)
    axes = np.atleast_1d(axes)
    c = registry.color(kind)
    for ax, (title, series, scale) in zip(axes, rows):
        for (label, values), style in zip(series.items(), ("-", "--")):
            x = np.arange(len(values)) + (1 if title == "bias-correction factors" else 0)
            ax.plot(x, values, style, color=c, label=label)
        ax.set_yscale(scale)
        ax.set_title(title, fontsize=10, loc="left")
        ax.legend(loc="best", fontsize=8)
    axes[-1].set_xlabel("step")
    return axes[0].figure, axes


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
):
    """A heatmap of the final loss over a grid of two hyperparameters, in one vectorized run.

    x, y: ``(name, values)``, e.g. ``x=("learning_rate", np.logspace(-4, 0, 100))``,
    ``y=("momentum", np.linspace(0, 0.99, 100))``.

    Colour: log₁₀(J − J*) after ``steps`` steps; red: diverged; the white line encloses the
    settings that reach J − J* ≤ ``tolerance``. ``vmin``/``vmax`` fix the colour scale (in
    log₁₀ units) so that several maps can be compared. Returns ``fig, ax, StabilityMap``.
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
    return ax.figure, ax, data


def DISPLAY(optimizer) -> str:  # noqa: N802 - the old name, kept working
    """Deprecated: ``registry.display_name(optimizer.kind)``."""
    warnings.warn(
        "plotting.DISPLAY is deprecated; use helpers.registry.display_name(optimizer.kind)",
        DeprecationWarning,
        stacklevel=2,
    )
    return registry.display_name(optimizer.kind)

"""The forces on a run at one step, as arrows at the current point: −η∇J(θₜ) (the step plain
gradient descent would take from there), the memory the optimizer carries (βm for the momentum
methods, −η m̂ for the Adam family) and the step actually taken, θₜ₊₁ − θₜ; and the per-coordinate
state at that step as two bars (θ1, θ2). ``forces`` computes them for every step of a run at
once, so that a replay frame only indexes into it; ``ForceArrows`` and ``StateBars`` are the
artists a replay moves in place."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

from .. import portable, registry
from ..trajectories import Trajectory
from .paths import _clip_segment, visible_path
from .states import state_series

ARROWS = ("gradient", "memory", "step")
GRADIENT_COLOR = "black"
LABELS = {
    "gradient": "−η∇J(θₜ): gradient descent's step",
    "momentum": "βmₜ: the momentum carried",
    "moment": "−η m̂: the first moment, as a step",
    "step": "θₜ₊₁ − θₜ: the step taken",
}


def memory_kind(result: Trajectory) -> str | None:
    """ "momentum" (gradient descent with momentum: βm), "moment" (the Adam family: −η m̂), or
    None for an optimizer that carries no gradient memory (plain gradient descent, AdaGrad,
    RMSProp)."""
    states, kind = result.states, result.optimizer.kind
    if "momentum" not in states:
        return None
    if registry.family(kind) == "sgd":
        return "momentum"
    if hasattr(result.optimizer, "beta_1"):
        return "moment"
    return None


@dataclass
class Forces:
    """One run's forces at every step t = 0 … steps, each an array (steps + 1, 2) (NaN where a
    step has none), and what a frame needs besides."""

    point: np.ndarray  # θₜ, the run's last point for t past its end
    gradient: np.ndarray  # −η∇J(θₜ)
    memory: np.ndarray | None  # βmₜ or −η m̂ₜ₊₁: the memory part of the step from θₜ
    step: np.ndarray  # θₜ₊₁ − θₜ
    state: np.ndarray  # (steps + 1, 2): the state panel's quantity for the step from θₜ
    last: int  # the index of the run's last point (its divergence step, if it diverged)
    shown: np.ndarray  # the part of the path that is drawn (``visible_path``)
    memory_kind: str | None


def forces(result: Trajectory, window=None) -> Forces:
    """The forces of every step of ``result`` (one run, not a batch), computed once."""
    path = np.asarray(result.path, dtype=float)
    steps = result.steps
    last = steps if result.diverged_at is None else int(result.diverged_at)
    optimizer = result.optimizer
    eta = float(optimizer.learning_rate)
    index = np.minimum(np.arange(steps + 1), last)
    point = path[index]
    with np.errstate(all="ignore"):
        gradient = -eta * result.surface.gradient(point)
        step = np.full_like(point, np.nan)
        step[:last] = path[1 : last + 1] - path[:last]
        kind = memory_kind(result)
        memory = None
        if kind == "momentum":  # m ← βm − η∇J, θ ← θ + m: the step is βmₜ − η∇J(θₜ)
            memory = float(optimizer.momentum) * result.states["momentum"][index]
        elif kind == "moment":  # m̂ₜ₊₁ = mₜ₊₁ / (1 − β1ᵗ⁺¹), drives the step from θₜ
            ahead = np.minimum(index + 1, last)
            t = ahead.astype(float)[:, None]
            correction = 1 - portable.power(float(optimizer.beta_1), t)
            memory = -eta * result.states["momentum"][ahead] / correction
            memory[index >= last] = np.nan
        _, series = state_series(result)
        values = np.stack(list(series.values()), axis=-1)
        # The state of the step from θₜ: the momentum carried in (mₜ), or the step's own
        # (gradient size, effective step size: index t + 1).
        state = values[index if kind == "momentum" else np.minimum(index + 1, last)]
    shown, _ = visible_path(path, window or result.surface.window, result.diverged)
    return Forces(point, gradient, memory, step, state, last, shown, kind)


class ForceArrows:
    """The arrows at one run's current point, moved in place (``update``). ``shown`` holds
    each arrow's (tail, tip) as drawn, or None for a hidden one; a tip outside the window is
    drawn on its border, where the arrow leaves the plot."""

    def __init__(self, ax, color):
        self.ax = ax
        style = {
            "gradient": {"color": GRADIENT_COLOR, "lw": 1.3, "mutation_scale": 11},
            "memory": {"color": color, "lw": 1.6, "ls": "--", "mutation_scale": 11},
            "step": {"color": color, "lw": 2.4, "mutation_scale": 14},
        }
        self.arrows = {}
        for name in ARROWS:
            arrow = mpl.patches.FancyArrowPatch(
                (0, 0),
                (1, 1),
                arrowstyle="-|>",
                shrinkA=0,
                shrinkB=0,
                zorder=6,
                animated=True,
                visible=False,
                **style[name],
            )
            ax.add_patch(arrow)
            self.arrows[name] = arrow
        self.shown: dict[str, tuple | None] = dict.fromkeys(ARROWS)

    def update(self, point, vectors: dict, window) -> None:
        """Draw ``vectors[name]`` (a 2-vector, or None) from ``point``; non-finite or zero
        vectors, and any at a point outside the window, are hidden."""
        xmin, xmax, ymin, ymax = window
        inside = bool(np.isfinite(point).all()) and xmin <= point[0] <= xmax
        inside = inside and ymin <= point[1] <= ymax
        tiny = 1e-9 * max(xmax - xmin, ymax - ymin)
        for name, arrow in self.arrows.items():
            v = vectors.get(name)
            if not inside or v is None or not np.isfinite(v).all() or np.abs(v).max() <= tiny:
                arrow.set_visible(False)
                self.shown[name] = None
                continue
            tail = (float(point[0]), float(point[1]))
            tip = _clip_segment(np.asarray(tail), np.asarray(tail) + v, window)
            tip = (float(tip[0]), float(tip[1]))
            arrow.set_positions(tail, tip)
            arrow.set_visible(True)
            self.shown[name] = (tail, tip)

    def hide(self) -> None:
        for name, arrow in self.arrows.items():
            arrow.set_visible(False)
            self.shown[name] = None

    def __iter__(self):
        return iter(self.arrows.values())


def force_legend(ax, color, memory_kinds=()) -> mpl.legend.Legend:
    """The legend naming the arrows (in ``color``, the main optimizer's: the memory and step
    arrows take each run's colour), added to ``ax`` beside any legend it has."""
    handles = [mpl.lines.Line2D([], [], color=GRADIENT_COLOR, lw=1.3, label=LABELS["gradient"])]
    for kind in memory_kinds:
        handles.append(mpl.lines.Line2D([], [], color=color, lw=1.6, ls="--"))
        handles[-1].set_label(LABELS[kind])
    handles.append(mpl.lines.Line2D([], [], color=color, lw=2.4, label=LABELS["step"]))
    legend = mpl.legend.Legend(
        ax, handles, [h.get_label() for h in handles], loc="lower left", fontsize=7, framealpha=0.85
    )
    ax.add_artist(legend)
    return legend


class StateBars:
    """Two bars, θ1 and θ2, of a per-coordinate quantity at one step, in narrow axes at the right
    of ``ax`` that share its y axis (and so its log scale and limits). ``ax`` and the axes in
    ``align`` give up ``width`` of their width to make room, so that their x axes stay aligned."""

    def __init__(self, ax, color, width=0.13, align=()):
        box = ax.get_position()
        for each in (ax, *align):
            b = each.get_position()
            each.set_position([b.x0, b.y0, b.width * (1 - width), b.height])
        self.ax = ax.figure.add_axes(
            [box.x0 + box.width * (1 - 0.7 * width), box.y0, box.width * 0.7 * width, box.height],
            sharey=ax,
        )
        self.ax.set_xlim(-0.7, 1.7)
        self.ax.set_xticks([0, 1], ["θ1", "θ2"], fontsize=7)
        self.ax.tick_params(axis="y", which="both", left=False, labelleft=False)
        self.ax.set_title("step t", fontsize=8)
        self.bars = [
            mpl.patches.Rectangle((i - 0.35, 1.0), 0.7, 1.0, color=color, alpha=a, animated=True)
            for i, a in ((0, 1.0), (1, 0.5))
        ]
        for bar in self.bars:
            bar.set_visible(False)
            self.ax.add_patch(bar)

    def update(self, values) -> None:
        """Bars from the axis's bottom up to ``values`` (θ1, θ2); a non-finite value: none."""
        bottom = self.ax.get_ylim()[0]
        for bar, value in zip(self.bars, values):
            if np.isfinite(value) and value > bottom:
                bar.set_y(bottom)
                bar.set_height(value - bottom)
                bar.set_visible(True)
            else:
                bar.set_visible(False)

    def hide(self) -> None:
        for bar in self.bars:
            bar.set_visible(False)

    def __iter__(self):
        return iter(self.bars)

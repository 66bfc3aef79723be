"""Curves against the step or the epoch: losses J − J* of 2D runs, Fashion-MNIST images, and
training histories."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .. import registry
from ..registry import COLORS
from ..stability import GAP_FLOOR
from ..trajectories import Trajectory


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

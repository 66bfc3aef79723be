"""The optimizer's internal state over a run: momentum, accumulators, bias corrections, the
effective learning rate."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import registry
from ..trajectories import Trajectory

# --------------------------------------------------------------------------------------------
# The optimizer's internal state


def state_series(result: Trajectory) -> tuple[str, dict[str, np.ndarray]]:
    """The one state quantity that tells most about this optimizer, per coordinate and step.

    Gradient descent has no state: its gradient |∂J/∂θᵢ|. Momentum methods: the size of the
    momentum |mᵢ|. Adaptive methods: the effective learning rate per coordinate (η/√(sᵢ + ε) for
    AdaGrad and RMSProp), or for the Adam family the step size that multiplies m (Adam's
    αₜ/(√sᵢ + ε̂), bias correction included). Returns a title and
    {label: values of shape (steps + 1,)}.
    """
    kind = result.optimizer.kind
    with np.errstate(all="ignore"):
        if kind == "gd":
            g = np.abs(result.grads)
            g = np.vstack([np.full((1, 2), np.nan), g])
            return "gradient size |∂J/∂θᵢ|", {"θ1": g[:, 0], "θ2": g[:, 1]}
        if registry.family(kind) == "sgd":  # the momentum methods
            m = np.abs(result.states["momentum"])
            return "momentum size |mᵢ|", {"θ1": m[:, 0], "θ2": m[:, 1]}
        step = np.asarray(result.optimizer.effective_step(result.states))
        step = np.broadcast_to(step, result.path.shape).copy()
        step[0] = np.nan  # before the first step there is none
        # AdaGrad and RMSProp: η/√(sᵢ + ε), the effective learning rate. The Adam family's
        # factor multiplies m, the average of the gradients, not the gradient itself.
        title = (
            "effective learning rate per coordinate"
            if type(result.optimizer).__name__ in ("Adagrad", "RMSprop")
            else "step size per coordinate (it multiplies m)"
        )
        return title, {"θ1": step[:, 0], "θ2": step[:, 1]}


def bias_corrections(optimizer, steps: int) -> dict[str, np.ndarray]:
    """Adam's bias-correction factors 1/(1 − β1ᵗ) and 1/(1 − β2ᵗ) for t = 1 … steps."""
    t = np.arange(1, steps + 1)
    return {
        "1/(1 − β1ᵗ)": 1 / (1 - optimizer.beta_1**t),
        "1/(1 − β2ᵗ)": 1 / (1 - optimizer.beta_2**t),
    }


def state_panel(result: Trajectory, axes=None):
    """Every state variable of a run over the steps, one row each, chosen by optimizer.

    Momentum mᵢ (linear), accumulators sᵢ (log), the effective learning rate per coordinate
    (log) and, for the Adam family, the bias-correction factors. Returns ``fig, axes``.
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
    if registry.family(kind) != "sgd":
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

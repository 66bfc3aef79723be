"""Exercises of notebook 09, learning rate scheduling."""

import numpy as np

from .core import FunctionExercise, ValueExercise


def power_reference(t, initial_learning_rate, steps, power):
    return initial_learning_rate / (1 + t / steps) ** power


def _power_cases(rng):
    return [
        {
            "t": np.sort(rng.integers(0, 50_000, size=6)).astype(float),
            "initial_learning_rate": lr,
            "steps": s,
            "power": c,
        }
        for lr, s, c in ((0.01, 10_000.0, 1.0), (0.1, 500.0, 2.0), (0.05, 2_000.0, 0.5))
    ]


def _plateau_answer(losses=(1.0, 0.8, 0.7, 0.71, 0.72, 0.69, 0.70, 0.70, 0.71, 0.68)):
    """Keras's ReduceLROnPlateau(factor=0.5, patience=2) by hand, from η = 0.01."""
    rate, best, wait = 0.01, np.inf, 0
    for loss in losses:
        if loss < best - 1e-4:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= 2:
                rate, wait = rate * 0.5, 0
    return rate


# --- 4 and 5. The noisy bowl of the notebook: its noise floor -----------------------------------

BOWL_ETA, BOWL_STEPS, BOWL_SIGMA = 0.15, 400, 3.0


def bowl_floor(kind="constant", sigma=BOWL_SIGMA):
    """J − J* over the last 10 % of the steps of gradient descent on the notebook's noisy bowl
    (4 starts × 5 noise sequences), with a constant η or the exponential schedule (s = T)."""
    from .. import optimizers, schedules, surfaces, trajectories  # on first use: stay light

    bowl = surfaces.get("bowl")
    starts = np.broadcast_to(np.array(bowl.starts), (5, 4, 2))
    parameters = {"initial_learning_rate": BOWL_ETA}
    if kind == "exponential":
        parameters["steps"] = BOWL_STEPS
    rates = schedules.evaluate(kind, np.arange(BOWL_STEPS), **parameters)
    gd = optimizers.get("gd", learning_rate=BOWL_ETA)
    run = trajectories.run(
        gd,
        bowl,
        start=starts,
        steps=BOWL_STEPS,
        noise=sigma,
        schedule=rates.__getitem__,
        record_state=False,
        keep_path=False,
    )
    tail = run.gap[-BOWL_STEPS // 10 :]
    return np.where(run.diverged, np.inf, tail.mean(0))


def floor_ratio():
    """How many times higher the constant η's noise floor is when σ doubles."""
    return float(np.median(bowl_floor(sigma=2 * BOWL_SIGMA)) / np.median(bowl_floor()))


def share_without_noise():
    """The share of the 20 noise-free runs in which the exponential schedule ends lower."""
    return float(np.mean(bowl_floor("exponential", sigma=0.0) < bowl_floor(sigma=0.0)))


EXERCISES = {
    "power": FunctionExercise(
        name="scheduling.power",
        reference=power_reference,
        cases=_power_cases,
        mistakes=[
            (
                "the power c is missing: η(t) = η0 / (1 + t/s)^c.",
                lambda t, initial_learning_rate, steps, power: (
                    initial_learning_rate / (1 + t / steps)
                ),
            ),
            (
                "η grows instead of falling: divide η0 by (1 + t/s)^c, do not multiply.",
                lambda t, initial_learning_rate, steps, power: (
                    initial_learning_rate * (1 + t / steps) ** power
                ),
            ),
            (
                "t is multiplied by s: that is the old Keras `decay` form, where decay = 1/s. "
                "Here s is a number of steps: divide t by it.",
                lambda t, initial_learning_rate, steps, power: (
                    initial_learning_rate / (1 + t * steps) ** power
                ),
            ),
            (
                "that is exponential scheduling, η0 · 0.1^(t/s); power scheduling is "
                "η0 / (1 + t/s)^c.",
                lambda t, initial_learning_rate, steps, power: (
                    initial_learning_rate * 0.1 ** (t / steps)
                ),
            ),
        ],
        success="η(t) = η0 / (1 + t/s)^c, as schedules.power and Keras's InverseTimeDecay "
        "(for c = 1) compute it.",
    ),
    "finder_factor": ValueExercise(
        name="scheduling.finder_factor",
        answer=(10 / 1e-5) ** (1 / 500),
        hints=[
            (
                10 ** (1 / 500),
                "that takes η from 1 to 10; it must go from 10⁻⁵ to 10, a factor of 10⁶ in all.",
            ),
            (
                (10 - 1e-5) / 500,
                "that is the step of a linear ramp; the finder multiplies η by the same "
                "factor at every step.",
            ),
            (
                1e6 / 500,
                "the factor of 10⁶ is shared among 500 steps by a 500th root, not a division.",
            ),
        ],
        success="(10 / 10⁻⁵)^(1/500) = 10^(6/500) ≈ 1.028: η grows by 2.8 % per step.",
    ),
    "plateau": ValueExercise(
        name="scheduling.plateau",
        answer=_plateau_answer,
        hints=[
            (
                0.005,
                "there are two plateaus of two epochs: η is halved twice.",
            ),
            (
                0.00125,
                "after a reduction the patience counter starts again from zero, so the "
                "epoch after the second halving does not trigger a third.",
            ),
            (
                0.01,
                "η is halved when the loss has not improved for `patience` epochs in a row: "
                "epochs 4 and 5 are the first such pair.",
            ),
        ],
        success="halved after epochs 5 and 8: 0.01 → 0.005 → 0.0025.",
    ),
    "noise_floor": ValueExercise(
        name="scheduling.noise_floor",
        answer=floor_ratio,
        rtol=0.05,
        hints=[
            (
                2.0,
                "the distance from the minimum doubles, but the loss near a minimum is quadratic "
                "in that distance.",
            ),
            (1.0, "the floor is set by the noise: more noise, a higher floor."),
        ],
        success="σ² sets the floor: twice the noise, four times the loss. Only a smaller η (a "
        "schedule) lowers it.",
    ),
    "no_noise_share": ValueExercise(
        name="scheduling.no_noise_share",
        answer=share_without_noise,
        rtol=0,
        hints=[
            (
                1.0,
                "without noise there is no floor to break through: a constant η near its best "
                "converges geometrically, and shrinking it only slows the run.",
            )
        ],
        success="without noise the schedule never ends lower: it only slows the run down. "
        "Schedules are for noisy gradients.",
    ),
}

"""Exercises of notebook 06, Nadam."""

import math

import numpy as np

from .core import FunctionExercise, ValueExercise


def keras_mu(t, beta_1=0.9, psi=1.0):
    """The momentum schedule μₜ = β1 (1 − ½·0.96^(ψt)); Keras 3 has ψ = 1, Dozat ψ = 0.004."""
    return beta_1 * (1 - 0.5 * 0.96 ** (psi * t))


# --- 1. Keras's μₜ at t = 10 ------------------------------------------------------------------

MU_T, MU_BETA_1 = 10, 0.9


# --- 2. The warm-up of the schedule ------------------------------------------------------------


def warmup_reference(psi, within=0.01):
    """The first step t at which μₜ ≥ (1 − within)·β1, i.e. ½·0.96^(ψt) ≤ within."""
    return math.ceil(math.log(2 * within) / (psi * math.log(0.96)))


def _warmup_cases(rng):
    return [
        {"psi": psi, "within": within}
        for psi, within in ((1.0, 0.01), (0.004, 0.01), (1.0, 0.05), (0.5, 0.02), (0.004, 0.1))
    ]


# --- 5. Predict first: heavy momentum on the bowl ----------------------------------------------

PREDICT_SETTINGS = {"learning_rate": 1.0, "beta_1": 0.95}
PREDICT_STEPS, PREDICT_CONDITION = 300, 10
CHOICES = {1: "only Adam", 2: "only Nadam", 3: "both", 4: "neither"}


def _steps_to_tolerance(name, settings, surface, steps):
    from .. import optimizers, trajectories  # imported on first use: the exercises stay light

    return trajectories.run(optimizers.get(name, **settings), surface, steps=steps).steps_to(1e-6)


def heavy_momentum_choice():
    """Which of Adam and Nadam reach J − J* < 10⁻⁶ on the bowl with a heavy β1 (a CHOICES key)."""
    from .. import surfaces

    bowl = surfaces.get("bowl", condition=PREDICT_CONDITION)
    reached = [
        _steps_to_tolerance(name, PREDICT_SETTINGS, bowl, PREDICT_STEPS) is not None
        for name in ("adam", "nadam")
    ]
    return {(True, False): 1, (False, True): 2, (True, True): 3, (False, False): 4}[tuple(reached)]


# --- 6. Change the experiment: give Adam Nadam's η on Rosenbrock -------------------------------

ROSENBROCK_ETA, ROSENBROCK_STEPS = 0.2, 1000


def adam_steps_at_nadam_eta():
    """The steps Adam needs on Rosenbrock (first start) at Nadam's tuned η = 0.2 (None: never)."""
    from .. import surfaces

    rosenbrock = surfaces.get("rosenbrock")
    steps = {"learning_rate": ROSENBROCK_ETA}
    return _steps_to_tolerance("adam", steps, rosenbrock, ROSENBROCK_STEPS)


# --- 3. A simplified Nadam step (constant μ = β1) ---------------------------------------------


def step_reference(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _step_cases(rng):
    cases = []
    for t, lr, b1, b2 in ((5, 0.1, 0.9, 0.99), (40, 0.003, 0.95, 0.999), (1, 0.01, 0.9, 0.999)):
        cases.append(
            {
                "theta": rng.normal(size=3),
                "m": rng.normal(size=3) * 0.1 if t > 1 else np.zeros(3),
                "s": rng.uniform(0.01, 1.0, size=3) if t > 1 else np.zeros(3),
                "grad": rng.normal(size=3),
                "t": t,
                "learning_rate": lr,
                "beta_1": b1,
                "beta_2": b2,
                "epsilon": 1e-7,
            }
        )
    return cases


def _adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _old_momentum(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m_new = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m_new, s


def _same_correction(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat = (beta_1 * m + (1 - beta_1) * grad) / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def _no_s_correction(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
    return theta - learning_rate * m_hat / (np.sqrt(s) + epsilon), m, s


EXERCISES = {
    "mu": ValueExercise(
        name="nadam.mu",
        answer=keras_mu(MU_T, MU_BETA_1),
        hints=[
            (
                keras_mu(MU_T, MU_BETA_1, psi=0.004),
                "that is Dozat's schedule (ψ = 0.004, 0.96^(0.04)); Keras 3 raises 0.96 to the "
                "power t itself.",
            ),
            (
                MU_BETA_1,
                "0.9 is β1, where the schedule ends up; at t = 10 it is still warming up.",
            ),
            (
                MU_BETA_1 * (1 - 0.96**MU_T),
                "the ½ is missing: μₜ = β1 (1 − ½·0.96ᵗ), which starts near β1/2, not near 0.",
            ),
            (
                1 - 0.5 * 0.96**MU_T,
                "the factor β1 is missing: μₜ = β1 (1 − ½·0.96ᵗ).",
            ),
        ],
        success="μ₁₀ = 0.9 (1 − ½·0.96¹⁰) ≈ 0.601: a third of the way from β1/2 = 0.45 to β1 = 0.9 "
        "((0.601 − 0.45)/0.45 ≈ 0.34).",
    ),
    "warmup": FunctionExercise(
        name="nadam.warmup",
        reference=warmup_reference,
        cases=_warmup_cases,
        mistakes=[
            (
                "close, but a step number is a whole number: take the first whole t at or after "
                "the solution of ½·0.96^(ψt) = within (round up, math.ceil).",
                lambda psi, within=0.01: math.log(2 * within) / (psi * math.log(0.96)),
            ),
            (
                "one step too early: at the rounded-down t, ½·0.96^(ψt) is still above the "
                "tolerance. Round up (math.ceil).",
                lambda psi, within=0.01: math.floor(math.log(2 * within) / (psi * math.log(0.96))),
            ),
            (
                "the ½ is missing: μₜ = β1 (1 − ½·0.96^(ψt)) is within a fraction `within` of β1 "
                "when ½·0.96^(ψt) ≤ within.",
                lambda psi, within=0.01: math.ceil(math.log(within) / (psi * math.log(0.96))),
            ),
            (
                "ψ multiplies t in the exponent: 0.96^(ψt), so a smaller ψ means a slower warm-up "
                "(divide by ψ, do not multiply).",
                lambda psi, within=0.01: math.ceil(psi * math.log(2 * within) / math.log(0.96)),
            ),
        ],
        success="t = ⌈ln(2·within) / (ψ ln 0.96)⌉: 96 steps for Keras 3 (ψ = 1), about 24,000 "
        "for Dozat's ψ = 0.004.",
    ),
    "step": FunctionExercise(
        name="nadam.step",
        reference=step_reference,
        cases=_step_cases,
        mistakes=[
            (
                "that is Adam's step, m̂ = m/(1 − β1ᵗ). Nadam looks ahead: m̂ = β1 m/(1 − β1ᵗ⁺¹) "
                "+ (1 − β1) ∇J/(1 − β1ᵗ).",
                _adam_step,
            ),
            (
                "the look-ahead uses the new m (after adding this step's gradient), not the old "
                "one.",
                _old_momentum,
            ),
            (
                "the momentum term belongs to the next step, so it is corrected by 1 − β1ᵗ⁺¹; only "
                "the gradient term uses 1 − β1ᵗ.",
                _same_correction,
            ),
            (
                "s needs its bias correction too: ŝ = s/(1 − β2ᵗ), as in Adam.",
                _no_s_correction,
            ),
        ],
        success="Adam's step with the momentum applied one step ahead (Nesterov's trick).",
    ),
    "heavy_momentum": ValueExercise(
        name="nadam.heavy_momentum",
        answer=heavy_momentum_choice,
        rtol=0,
        hints=[
            (
                choice,
                f'"{CHOICES[choice]}" is not what the run shows. Think of the stability map: '
                "which of the two still converges in the rows with β1 above 0.9?",
            )
            for choice in (1, 3, 4)  # the run's answer is 2; a change there fails the tests
        ],
        success="that is what the run shows: with β1 = 0.95 Nadam's look-ahead brakes the "
        "momentum, while Adam's keeps swinging around the minimum (the stability map's upper "
        "rows).",
    ),
    "adam_at_nadam_eta": ValueExercise(
        name="nadam.adam_at_nadam_eta",
        answer=adam_steps_at_nadam_eta,
        rtol=0,
        hints=[
            (
                0,
                "0 steps would mean the start is already at the minimum; give the number of "
                "steps Adam needs with η = 0.2 (run.steps_to(1e-6)).",
            )
        ],
        success="Adam reaches the tolerance at η = 0.2 too, while Nadam at that η does not: on "
        "Rosenbrock the difference is the rule, not the tuned η.",
    ),
    "current_weight": ValueExercise(
        name="nadam.current_weight",
        answer=1 - 0.9**2,
        hints=[
            (
                0.1,
                "0.1 = 1 − β1 is the weight Adam gives the current gradient. In Nadam the gradient "
                "enters twice: through m (times β1) and directly (times 1 − β1).",
            ),
            (
                0.9,
                "0.9 is β1, the weight of the old momentum in Adam's m; the question asks for "
                "the weight of the current gradient.",
            ),
            (
                0.81,
                "0.81 = β1² is the weight of the old momentum m_{t−1} in Nadam's m̂; the current "
                "gradient gets the rest.",
            ),
        ],
        success="β1(1 − β1) + (1 − β1) = 1 − β1² = 0.19, almost twice Adam's 0.1.",
    ),
}

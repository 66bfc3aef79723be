"""Exercises of notebook 03, AdaGrad."""

import math

import numpy as np

from .core import ChoiceExercise, FunctionExercise, ValueExercise

# --- 1. The book's AdaGrad step --------------------------------------------------------------


def step_reference(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _step_cases(rng):
    cases = []
    for lr, eps, first in ((0.1, 1e-7, True), (0.5, 0.01, False), (0.01, 0.5, False)):
        cases.append(
            {
                "theta": rng.normal(size=4),
                "s": np.zeros(4) if first else rng.uniform(0.01, 2.0, size=4),
                "grad": rng.normal(size=4) * np.array([0.01, 0.1, 1.0, 10.0]),
                "learning_rate": lr,
                "epsilon": eps,
            }
        )
    return cases


def _old_s(theta, s, grad, learning_rate, epsilon):
    new_s = s + grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), new_s


def _epsilon_outside(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s


def _no_square(theta, s, grad, learning_rate, epsilon):
    s = s + np.abs(grad)
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _no_root(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta - learning_rate * grad / (s + epsilon), s


def _not_accumulated(theta, s, grad, learning_rate, epsilon):
    s = grad * grad
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _uphill(theta, s, grad, learning_rate, epsilon):
    s = s + grad * grad
    return theta + learning_rate * grad / np.sqrt(s + epsilon), s


# --- 2. The effective learning rate after t steps of a constant gradient ---------------------


def effective_reference(t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7):
    return learning_rate / math.sqrt(initial_accumulator_value + t * grad * grad + epsilon)


def _effective_cases(rng):
    return [
        {
            "t": t,
            "grad": g,
            "learning_rate": lr,
            "initial_accumulator_value": s0,
            "epsilon": 1e-7,
        }
        for t, g, lr, s0 in (
            (1, 0.5, 0.1, 0.0),
            (100, 2.0, 0.01, 0.1),
            (10, 0.05, 1.0, 0.1),
            (1000, 0.3, 0.5, 1.0),
        )
    ]


CHANGED_S0, CHANGED_G, CHANGED_T = 1.0, 0.01, 10_000  # the "change the experiment" exercise


EXERCISES = {
    "step": FunctionExercise(
        name="adagrad.step",
        reference=step_reference,
        cases=_step_cases,
        mistakes=[
            (
                "the step divides by the old s: add this step's ∇J ⊗ ∇J to s first, then divide "
                "by √(s + ε) with the new s (so the very first step is about η·sign(∇J)).",
                _old_s,
            ),
            (
                "ε sits inside the root in the book and in Keras, √(s + ε); √s + ε is the original "
                "paper's (and PyTorch's) form.",
                _epsilon_outside,
            ),
            (
                "s sums the *squares* of the gradients, ∇J ⊗ ∇J, not their sizes.",
                _no_square,
            ),
            (
                "the step divides by the square root √(s + ε), not by s + ε.",
                _no_root,
            ),
            (
                "s must accumulate: s ← s + ∇J ⊗ ∇J keeps every past gradient (s ← ∇J ⊗ ∇J "
                "forgets them, and the step becomes η·sign(∇J)).",
                _not_accumulated,
            ),
            (
                "the step goes uphill: θ ← θ − η ∇J ⊘ √(s + ε).",
                _uphill,
            ),
        ],
        success="s ← s + ∇J ⊗ ∇J; θ ← θ − η ∇J ⊘ √(s + ε): the book's (and Keras's) AdaGrad.",
    ),
    "effective_learning_rate": FunctionExercise(
        name="adagrad.effective_learning_rate",
        reference=effective_reference,
        cases=_effective_cases,
        mistakes=[
            (
                "the accumulator starts at s₀ (Keras's initial_accumulator_value), so after t "
                "steps s = s₀ + t·g².",
                lambda t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7: (
                    learning_rate / math.sqrt(t * grad * grad + epsilon)
                ),
            ),
            (
                "s adds the squared gradient g², not g, at every step.",
                lambda t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7: (
                    learning_rate / math.sqrt(initial_accumulator_value + t * abs(grad) + epsilon)
                ),
            ),
            (
                "after t steps the accumulator holds t squared gradients (s is updated before "
                "the step), not t − 1.",
                lambda t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7: (
                    learning_rate
                    / math.sqrt(initial_accumulator_value + (t - 1) * grad * grad + epsilon)
                ),
            ),
            (
                "the effective learning rate is η/√(s + ε): the square root is missing.",
                lambda t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7: (
                    learning_rate / (initial_accumulator_value + t * grad * grad + epsilon)
                ),
            ),
            (
                "that is the size of the step, η·|g|/√(s + ε); the effective learning rate is "
                "η/√(s + ε), the factor in front of the gradient.",
                lambda t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7: (
                    learning_rate
                    * abs(grad)
                    / math.sqrt(initial_accumulator_value + t * grad * grad + epsilon)
                ),
            ),
        ],
        success="η/√(s₀ + t·g² + ε): it falls like 1/√t, whatever the slope.",
    ),
    "tenth": ValueExercise(
        name="adagrad.tenth",
        answer=100,
        rtol=1e-9,
        hints=[
            (
                10,
                "the step falls like 1/√t, not 1/t: after t steps it is η/√t, which is η/10 "
                "when √t = 10.",
            ),
            (
                1000,
                "the step is η/√t: it is a tenth of η when √t = 10, i.e. t = 100.",
            ),
            (
                99,
                "count the first step as t = 1: the step of step t is η/√t, so t = 100.",
            ),
        ],
        success="step t moves η·g/√(t·g²) = η/√t: a tenth of the first step at t = 100, a "
        "hundredth at t = 10,000.",
    ),
    "predict_diverge": ChoiceExercise(
        name="adagrad.predict_diverge",
        answer="no",
        options=("yes", "no"),
        hints=[
            (
                "yes",
                "s already holds the current g², so |g|/√(s + ε) < 1: no coordinate moves by "
                "more than η in one step, and each overshoot adds a large g² to s.",
            )
        ],
        success="no: |g|/√(s + ε) < 1, so no coordinate moves by more than η in a step, and "
        "every overshoot swells s and shortens the next steps. AdaGrad brakes itself.",
    ),
    "changed_s0": ValueExercise(
        name="adagrad.changed_s0",
        answer=CHANGED_G / math.sqrt(CHANGED_S0 + CHANGED_T * CHANGED_G**2 + 1e-7),
        rtol=1e-2,
        hints=[
            (
                CHANGED_G / math.sqrt(0.1 + CHANGED_T * CHANGED_G**2 + 1e-7),
                "that is with Keras's s₀ = 0.1: set s0 = 1.0 and run again.",
            ),
            (1 / math.sqrt(CHANGED_T), "that is the book's s₀ = 0; the cell asks for s₀ = 1."),
        ],
        success="g/√(s₀ + t·g² + ε) = 0.01/√(1 + 1) ≈ 0.0071: with s₀ = 1 the gentle slope's "
        "t·g² = 1 after 10,000 steps is only as large as s₀, so its steps have not yet joined "
        "the η/√t line.",
    ),
}

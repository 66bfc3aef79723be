"""Exercises of notebook 05, Adam and AdaMax."""

import numpy as np

from .core import ChoiceExercise, FunctionExercise, ValueExercise

# --- 1. One step of Adam, the book's form ---------------------------------------------------


def step_reference(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad**2
    m_hat = m / (1 - beta_1**t)
    s_hat = s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / np.sqrt(s_hat + epsilon), m, s


def _step_cases(rng):
    cases = []
    for t, lr, b1, b2, eps in (
        (1, 0.01, 0.9, 0.999, 1e-7),
        (5, 0.1, 0.9, 0.99, 1e-7),
        (40, 0.003, 0.95, 0.999, 1e-7),
        # a large ε, so that where ε sits makes a visible difference
        (3, 0.01, 0.9, 0.999, 0.1),
    ):
        cases.append(
            {
                "theta": rng.normal(size=3),
                "m": rng.normal(size=3) * 0.1 if t > 1 else np.zeros(3),
                "s": rng.uniform(0.01, 1.0, size=3) * (1 - b2**t) if t > 1 else np.zeros(3),
                "grad": rng.normal(size=3),
                "t": t,
                "learning_rate": lr,
                "beta_1": b1,
                "beta_2": b2,
                "epsilon": eps,
            }
        )
    return cases


def _variant(m_hat_of, s_hat_of, denominator):
    def wrong(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        m_hat, s_hat = m_hat_of(m, beta_1, t), s_hat_of(s, beta_2, t)
        return theta - learning_rate * m_hat / denominator(s_hat, epsilon), m, s

    return wrong


def _corrected(x, beta, t):
    return x / (1 - beta**t)


def _plain(x, beta, t):
    return x


def _inside(s_hat, epsilon):
    return np.sqrt(s_hat + epsilon)


def _outside(s_hat, epsilon):
    return np.sqrt(s_hat) + epsilon


def _keras_form(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return theta - alpha * m / (np.sqrt(s) + epsilon), m, s


def _sum_form(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + grad
    s = beta_2 * s + (1 - beta_2) * grad**2
    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / np.sqrt(s_hat + epsilon), m, s


def _swapped(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    return step_reference(theta, m, s, grad, t, learning_rate, beta_2, beta_1, epsilon)


# --- 4. AdaMax --------------------------------------------------------------------------------


def adamax_reference(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    u = np.maximum(beta_2 * u, np.abs(grad))
    return theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon), m, u


def _adamax_cases(rng):
    cases = []
    for t, lr, b1, b2 in ((1, 0.01, 0.9, 0.999), (6, 0.002, 0.9, 0.999), (30, 0.1, 0.8, 0.9)):
        cases.append(
            {
                "theta": rng.normal(size=4),
                "m": rng.normal(size=4) * 0.1 if t > 1 else np.zeros(4),
                # some coordinates with a large memory u, some with a small one
                "u": rng.uniform(0.0, 2.0, size=4) if t > 1 else np.zeros(4),
                "grad": rng.normal(size=4),
                "t": t,
                "learning_rate": lr,
                "beta_1": b1,
                "beta_2": b2,
                "epsilon": 1e-7,
            }
        )
    return cases


def _adamax_variant(new_u, corrected_m=True, corrected_u=False):
    def wrong(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        u = new_u(u, grad, beta_2)
        m_used = m / (1 - beta_1**t) if corrected_m else m
        u_used = u / (1 - beta_2**t) if corrected_u else u
        return theta - learning_rate * m_used / (u_used + epsilon), m, u

    return wrong


def _max_norm(u, grad, beta_2):
    return np.maximum(beta_2 * u, np.abs(grad))


CHANGED_BETA_2 = 0.99  # the "change the experiment" exercise: the uncorrected first step


EXERCISES = {
    "step": FunctionExercise(
        name="adam.step",
        reference=step_reference,
        cases=_step_cases,
        mistakes=[
            (
                "the bias corrections are missing: m and s start at 0, so in the first steps "
                "they are too small; divide them by 1 − β1ᵗ and 1 − β2ᵗ before the step.",
                _variant(_plain, _plain, _inside),
            ),
            (
                "only m is corrected: ŝ = s/(1 − β2ᵗ) as well, or the first steps are up to "
                "1/√(1 − β2) ≈ 32 times too long.",
                _variant(_corrected, _plain, _inside),
            ),
            (
                "only s is corrected: m̂ = m/(1 − β1ᵗ) as well, or the first steps are up to "
                "ten times too short.",
                _variant(_plain, _corrected, _inside),
            ),
            (
                "ε is outside the root, √ŝ + ε: that is Algorithm 1 of Kingma & Ba's paper, a "
                "legitimate variant that is the same when ε ≪ √ŝ, but not with the large ε of "
                "one case (0.1). The book puts ε inside, as for AdaGrad and RMSProp: √(ŝ + ε).",
                _variant(_corrected, _corrected, _outside),
            ),
            (
                "that is Keras's form, η√(1 − β2ᵗ)/(1 − β1ᵗ) · m ⊘ (√s + ε̂): the same step "
                "when ε is tiny, but its ε̂ sits next to the uncorrected √s. Write the book's "
                "form: m̂ and ŝ first, then η m̂ ⊘ √(ŝ + ε).",
                _keras_form,
            ),
            (
                "m is a decaying sum, m ← β1m + ∇J: Adam's m is an average, "
                "m ← β1m + (1 − β1)∇J (the sum is 1/(1 − β1) = 10 times larger).",
                _sum_form,
            ),
            (
                "β1 and β2 are swapped: β1 (0.9) goes with m, the gradients; β2 (0.999) with s, "
                "their squares.",
                _swapped,
            ),
        ],
        success="m̂ = m/(1 − β1ᵗ), ŝ = s/(1 − β2ᵗ), θ ← θ − η m̂ ⊘ √(ŝ + ε): the book's Adam.",
    ),
    "first_step": ValueExercise(
        name="adam.first_step",
        answer=0.01 * 5 / np.sqrt(25 + 1e-7),
        hints=[
            (
                0.01 * 0.1 / np.sqrt(0.001),
                "that is the step without the bias corrections, η(1 − β1)/√(1 − β2) ≈ 3.2 η. "
                "With them, m̂ = g and ŝ = g² after the first step.",
            ),
            (
                0.01 / np.sqrt(0.001),
                "only m is corrected here: ŝ = s/(1 − β2) = g² too, so the step is η·g/|g|.",
            ),
            (
                0.01 * 0.1,
                "only s is corrected here: m̂ = m/(1 − β1) = g too, so the step is η·g/|g|.",
            ),
            (0.05, "that is η·g, gradient descent's step; Adam divides by √ŝ = |g|."),
        ],
        success="after one step m̂ = g and ŝ = g², so the step is η·g/√(g² + ε) ≈ η = 0.01, "
        "whatever g: the bias correction makes the first step exactly η long.",
    ),
    "epsilon_hat": ValueExercise(
        name="adam.epsilon_hat",
        answer=0.1 * np.sqrt(1 - 0.999**10),
        hints=[
            (
                0.1,
                "the same number does not give the same step: Keras adds ε̂ to √s, which is "
                "√(1 − β2ᵗ) times smaller than √ŝ, so ε̂ must shrink by the same factor.",
            ),
            (
                0.1 / np.sqrt(1 - 0.999**10),
                "the factor goes the other way: √s = √(1 − β2ᵗ)·√ŝ, so ε̂ = ε√(1 − β2ᵗ).",
            ),
            (
                0.1 * (1 - 0.999**10),
                "the square root is missing: s is corrected by 1 − β2ᵗ, √s by √(1 − β2ᵗ).",
            ),
        ],
        success="ε̂ = ε√(1 − β2ᵗ) = 0.1 × √(1 − 0.999¹⁰) ≈ 0.00999: ten times smaller than ε at "
        "step 10, and ε̂ → ε only after several thousand steps.",
    ),
    "adamax_step": FunctionExercise(
        name="adam.adamax_step",
        reference=adamax_reference,
        cases=_adamax_cases,
        mistakes=[
            (
                "u is an average of |∇J| here: AdaMax keeps a decaying *maximum*, "
                "u ← max(β2u, |∇J|) (the limit of the p-norm as p → ∞).",
                _adamax_variant(lambda u, grad, b2: b2 * u + (1 - b2) * np.abs(grad)),
            ),
            (
                "the absolute value is missing: u ← max(β2u, |∇J|); with a negative gradient "
                "max(β2u, ∇J) forgets it.",
                _adamax_variant(lambda u, grad, b2: np.maximum(b2 * u, grad)),
            ),
            (
                "m needs its bias correction, η/(1 − β1ᵗ), as in Adam.",
                _adamax_variant(_max_norm, corrected_m=False),
            ),
            (
                "u needs no bias correction: a maximum is not pulled towards 0 by its start "
                "(after one step u = |∇J| exactly).",
                _adamax_variant(_max_norm, corrected_u=True),
            ),
        ],
        success="u ← max(β2u, |∇J|), θ ← θ − η/(1 − β1ᵗ) · m ⊘ (u + ε): Keras's Adamax.",
    ),
    "predict_first_step": ChoiceExercise(
        name="adam.predict_first_step",
        answer="longer",
        options=("shorter", "equal", "longer"),
        hints=[
            (
                "shorter",
                "m is 10 times too small after one step, but s is 1,000 times too small, and the "
                "step divides by √s: (1 − β1)/√(1 − β2) ≈ 3.2.",
            ),
            (
                "equal",
                "that is with the corrections; without them the first step is "
                "(1 − β1)/√(1 − β2) ≈ 3.2 η.",
            ),
        ],
        success="longer: (1 − β1)/√(1 − β2) = 0.1/√0.001 ≈ 3.2 η, and the steps keep growing "
        "for a while, because s is even further from g² than m is from g.",
    ),
    "changed_beta_2": ValueExercise(
        name="adam.changed_beta_2",
        answer=(1 - 0.9) / np.sqrt(1 - CHANGED_BETA_2 + 1e-7),
        rtol=1e-3,
        hints=[
            (
                (1 - 0.9) / np.sqrt(1 - 0.999),
                "that is with β2 = 0.999: set beta_2 = 0.99 and run again.",
            ),
        ],
        success="(1 − β1)/√(1 − β2) = 0.1/√0.01 = 1: with β2 = 0.99 the first uncorrected "
        "step happens to be η, but the later ones still grow, since m catches up faster than s.",
    ),
}

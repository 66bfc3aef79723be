"""Exercises of notebook 04, RMSProp."""

import numpy as np

from .core import ChoiceExercise, FunctionExercise, ValueExercise


def reference(theta, s, grad, learning_rate, rho, epsilon):
    s = rho * s + (1 - rho) * grad**2
    return theta - learning_rate * grad / np.sqrt(s + epsilon), s


def _cases(rng):
    cases = [
        {
            "theta": rng.normal(size=3),
            "s": rng.uniform(0.0, 2.0, size=3),
            "grad": rng.normal(size=3),
            "learning_rate": lr,
            "rho": rho,
            "epsilon": eps,
        }
        for lr, rho, eps in ((0.001, 0.9, 1e-7), (0.01, 0.5, 1e-7), (0.1, 0.99, 1e-7))
    ]
    # A large ε, so that where ε sits (inside or outside the root) makes a visible difference.
    cases.append(
        {
            "theta": rng.normal(size=3),
            "s": rng.uniform(0.0, 0.1, size=3),
            "grad": rng.normal(size=3) * 0.3,
            "learning_rate": 0.01,
            "rho": 0.9,
            "epsilon": 0.01,
        }
    )
    return cases


def _wrong_s(new_s):
    """A wrong rule for s, followed by the right step with it."""

    def wrong(theta, s, grad, learning_rate, rho, epsilon):
        s = new_s(s, grad, rho)
        return theta - learning_rate * grad / np.sqrt(s + epsilon), s

    return wrong


CHANGED_RHO = 0.99  # the "change the experiment" exercise: RMSProp's first step at this ρ


EXERCISES = {
    "step": FunctionExercise(
        name="rmsprop.step",
        reference=reference,
        cases=_cases,
        mistakes=[
            (
                "s is not an average: without the factor (1 − ρ) on g², s grows to g²/(1 − ρ), "
                "ten times g² for ρ = 0.9, and every step is √10 ≈ 3.2 times too short. "
                "Write s ← ρs + (1 − ρ)∇J ⊗ ∇J.",
                _wrong_s(lambda s, grad, rho: rho * s + grad**2),
            ),
            (
                "that is AdaGrad's sum, s ← s + ∇J ⊗ ∇J: it never forgets, so the steps shrink "
                "for ever. RMSProp decays the old s: s ← ρs + (1 − ρ)∇J ⊗ ∇J.",
                _wrong_s(lambda s, grad, rho: s + grad**2),
            ),
            (
                "ρ and 1 − ρ are swapped: s ← (1 − ρ)s + ρ∇J ⊗ ∇J keeps only 10% of the past "
                "for ρ = 0.9. ρ multiplies the old s.",
                _wrong_s(lambda s, grad, rho: (1 - rho) * s + rho * grad**2),
            ),
            (
                "θ moved with the old s: update s first, then divide by √(s + ε) with the new s "
                "(with the old one, the first step divides by √ε and is enormous).",
                lambda theta, s, grad, learning_rate, rho, epsilon: (
                    theta - learning_rate * grad / np.sqrt(s + epsilon),
                    rho * s + (1 - rho) * grad**2,
                ),
            ),
            (
                "ε is outside the root, √s + ε. That is a legitimate variant (PyTorch's RMSprop "
                "and the Adam paper write it so), and with ε = 10⁻⁷ it changes almost nothing; "
                "but it is another optimizer when s is not large compared with ε (here one case "
                "has ε = 0.01). The book and Keras put ε inside: √(s + ε).",
                lambda theta, s, grad, learning_rate, rho, epsilon: (
                    theta
                    - learning_rate * grad / (np.sqrt(rho * s + (1 - rho) * grad**2) + epsilon),
                    rho * s + (1 - rho) * grad**2,
                ),
            ),
            (
                "the square root is missing: dividing by s + ε makes the step η/|g| instead of "
                "about η, so large gradients get tiny steps and small ones huge steps.",
                lambda theta, s, grad, learning_rate, rho, epsilon: (
                    theta - learning_rate * grad / (rho * s + (1 - rho) * grad**2 + epsilon),
                    rho * s + (1 - rho) * grad**2,
                ),
            ),
        ],
        success="s ← ρs + (1 − ρ)∇J ⊗ ∇J; θ ← θ − η∇J ⊘ √(s + ε), exactly Keras's RMSprop.",
    ),
    "s_after": ValueExercise(
        name="rmsprop.s_after",
        answer=9 * (1 - 0.9**20),
        hints=[
            (
                9.0,
                "9 = g² is where s ends up, but only as ρᵗ → 0; after 20 steps from s = 0 "
                "it is still (1 − ρ²⁰)g².",
            ),
            (180.0, "180 = 20 g² is AdaGrad's sum; RMSProp's s is a decaying average."),
            (
                9 * 0.9**20,
                "that is the part still missing, ρ²⁰g²; s itself is (1 − ρ²⁰)g².",
            ),
            (
                9 * (1 - 0.9**20) / 0.1,
                "without the factor (1 − ρ): with it, "
                "s = (1 − ρ)(1 + ρ + … + ρ¹⁹)g² = (1 − ρ²⁰)g².",
            ),
        ],
        success="s₂₀ = (1 − 0.9²⁰) × 9 ≈ 7.91: 88% of the way to g² = 9.",
    ),
    "first_step": ValueExercise(
        name="rmsprop.first_step",
        answer=0.01 / np.sqrt(1 - 0.9),
        hints=[
            (
                0.01,
                "η is the size of the steps once s has caught up with g²; the first step "
                "divides by √((1 − ρ)g²), not by |g|.",
            ),
            (0.01 / (1 - 0.9), "the step divides by the square root of s: √(1 − ρ), not 1 − ρ."),
            (
                0.01 / np.sqrt(0.9),
                "that divides by √ρ: the first s is ρ·0 + (1 − ρ)g², so the step is η/√(1 − ρ).",
            ),
        ],
        success="η·|g|/√((1 − ρ)g²) = η/√(1 − ρ) ≈ 0.0316, whatever g: 3.2 times η. "
        "s starts at 0, so the first steps are too long until s has caught up; Adam's bias "
        "correction exists for this reason.",
    ),
    "predict_settle": ChoiceExercise(
        name="rmsprop.predict_settle",
        answer="hovers",
        options=("settles", "hovers"),
        hints=[
            (
                "settles",
                "with ρ = 0.9 s follows the gradients down as they shrink, so the step stays "
                "about η near the minimum: RMSProp jumps from one side to the other.",
            )
        ],
        success="it hovers: s follows the shrinking gradients, the step stays about η, and "
        "RMSProp ends in a cycle around the minimum instead of settling in it.",
    ),
    "changed_rho": ValueExercise(
        name="rmsprop.changed_rho",
        answer=0.01 / np.sqrt(1 - CHANGED_RHO),
        rtol=1e-3,
        hints=[
            (0.01 / np.sqrt(1 - 0.9), "that is the first step with ρ = 0.9: set rho = 0.99."),
            (0.01, "that is where the steps end; the first one divides by √((1 − ρ)g²)."),
        ],
        success="η/√(1 − ρ) = 0.01/√0.01 = 0.1: ten times η. The longer the memory, the "
        "longer the first steps, until s has caught up with g² (Adam corrects this).",
    ),
}

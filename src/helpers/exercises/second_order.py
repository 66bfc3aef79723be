"""Exercises of notebook 10, second-order methods."""

import math

import numpy as np

from .core import FunctionExercise, ValueExercise


def reference(theta, grad, hessian):
    return theta - np.linalg.solve(hessian, grad)


def _symmetric(rng, n, eigenvalues):
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return q @ np.diag(eigenvalues) @ q.T


def _cases(rng):
    return [
        {
            "theta": rng.normal(size=2),
            "grad": rng.normal(size=2),
            "hessian": _symmetric(rng, 2, [1.0, 10.0]),
        },
        {
            "theta": rng.normal(size=3),
            "grad": rng.normal(size=3),
            "hessian": _symmetric(rng, 3, [0.5, 2.0, 30.0]),
        },
        {  # an indefinite Hessian, as near a saddle point
            "theta": rng.normal(size=3),
            "grad": rng.normal(size=3),
            "hessian": _symmetric(rng, 3, [-1.0, 3.0, 8.0]),
        },
    ]


def _saddle_free(theta, grad, hessian):
    lam, v = np.linalg.eigh(hessian)
    return theta - v @ ((v.T @ grad) / np.abs(lam))


# 30°-turned bowl with κ = 100: a = cos² + κ sin², d = sin² + κ cos², b = (κ − 1) cos sin;
# the scaled matrix is [[1, r], [r, 1]] with r = b/√(ad), of condition number (1 + r)/(1 − r).
_KAPPA, _PHI = 100.0, math.radians(30)
_A = math.cos(_PHI) ** 2 + _KAPPA * math.sin(_PHI) ** 2
_D = math.sin(_PHI) ** 2 + _KAPPA * math.cos(_PHI) ** 2
_B = (_KAPPA - 1) * math.cos(_PHI) * math.sin(_PHI)
_R = abs(_B) / math.sqrt(_A * _D)
DIAGONAL_CONDITION = (1 + _R) / (1 - _R)


# --- 4 and 5. Damped Newton on the bowl; diagonal Newton on the saddle ---------------------------


def damped_factor(learning_rate=0.5, condition=1000.0, start=(-9.0, 3.0), steps=5):
    """The factor by which damped Newton's distance to the minimum shrinks per step on the
    notebook's bowl, averaged over the steps (on a quadratic it is 1 − η at every step)."""
    from .. import surfaces  # on first use: stay light

    bowl = surfaces.get("bowl", condition=condition)
    theta = np.asarray(start, dtype=float)
    ratios = []
    for _ in range(steps):
        step = np.linalg.solve(bowl.hessian_matrix(theta), bowl.gradient(theta))
        new = theta - learning_rate * step
        ratios.append(bowl.distance_to_minimum(new) / bowl.distance_to_minimum(theta))
        theta = new
    return float(np.mean(ratios))


def diagonal_saddle_reached(steps=300, floor=1e-3):
    """From how many of the saddle surface's starts diagonal Newton, θ ← θ − ∇J / max(|Hᵢᵢ|,
    floor), gets within 10⁻⁶ of the minimum value in ``steps`` steps."""
    from .. import surfaces

    saddle = surfaces.get("saddle")
    theta = np.array(saddle.starts, dtype=float)
    for _ in range(steps):
        diagonal = np.abs(np.diagonal(saddle.hessian_matrix(theta), axis1=-2, axis2=-1))
        theta = theta - saddle.gradient(theta) / np.maximum(diagonal, floor)
    return int(np.sum(saddle.loss(theta) - saddle.min_value < 1e-6))


EXERCISES = {
    "newton_step": FunctionExercise(
        name="second_order.newton_step",
        reference=reference,
        cases=_cases,
        mistakes=[
            (
                "the step multiplies the gradient by H; Newton divides by it: θ − H⁻¹∇J "
                "(np.linalg.solve(hessian, grad)).",
                lambda theta, grad, hessian: theta - hessian @ grad,
            ),
            (
                "the sign: Newton's step goes to the minimum of the quadratic model, θ − H⁻¹∇J.",
                lambda theta, grad, hessian: theta + np.linalg.solve(hessian, grad),
            ),
            (
                "that divides by the diagonal of H only (diagonal Newton); the full step solves "
                "with the whole matrix: θ − H⁻¹∇J.",
                lambda theta, grad, hessian: theta - grad / np.diag(hessian),
            ),
            (
                "that is saddle-free Newton (|H|⁻¹∇J): right on a positive-definite H, but plain "
                "Newton divides by the signed eigenvalues, H⁻¹∇J, even where one is negative.",
                _saddle_free,
            ),
        ],
        success="θ − H⁻¹∇J, solved with np.linalg.solve: Newton's step.",
    ),
    "hessian_gigabytes": ValueExercise(
        name="second_order.hessian_gigabytes",
        answer=1e6**2 * 4 / 1e9,
        hints=[
            (1e6 * 4 / 1e9, "that is the gradient (n numbers); the Hessian has n² entries."),
            (1e6**2 / 1e9, "each float32 entry takes 4 bytes."),
            (1e6**2 * 8 / 1e9, "that is float64 (8 bytes per entry); float32 takes 4."),
            (1e6**2 * 4 / 2**30, "that is in GiB (2³⁰ bytes); a GB is 10⁹ bytes."),
            (
                1e6**2 * 2 / 1e9,
                "storing only half of the symmetric H is a good idea, but the "
                "question asks for the whole matrix.",
            ),
        ],
        success="n² × 4 bytes = 10¹² × 4 = 4,000 GB (4 TB), for a network of only a million "
        "parameters.",
    ),
    "diagonal_condition": ValueExercise(
        name="second_order.diagonal_condition",
        answer=DIAGONAL_CONDITION,
        rtol=1e-2,
        hints=[
            (
                100.0,
                "100 is the condition number before scaling; at 30° the diagonal scaling "
                "does change it a little.",
            ),
            (
                1.0,
                "1 is what the diagonal scaling gives on a bowl aligned with the axes; turned "
                "by 30°, the diagonal no longer holds the curvatures.",
            ),
            (
                _D / _A,
                "that is the ratio of the diagonal entries H₂₂/H₁₁; scale H by them and "
                "take the condition number λmax/λmin of the result.",
            ),
        ],
        success=f"about {DIAGONAL_CONDITION:.1f}: scaling by the diagonal removes only a quarter "
        "of κ = 100 at 30°.",
    ),
    "damped_factor": ValueExercise(
        name="second_order.damped_factor",
        answer=damped_factor,
        hints=[
            (
                0.25,
                "that is the factor of J − J*, the square of the distance's; the distance "
                "itself shrinks by 1 − η.",
            ),
            (
                0.0,
                "that is the pure Newton step (η = 1), which lands on the minimum; with "
                "η = 0.5 each step goes half way.",
            ),
            (
                1 - 0.5 / 1000,
                "that is gradient descent's factor along the flattest direction (1 − ηλmin); "
                "Newton divides by the curvature, so every direction shrinks alike.",
            ),
        ],
        success="1 − η = 0.5 at every step, in every direction at once, whatever κ: on a "
        "quadratic, θ − θ* becomes (1 − η)(θ − θ*).",
    ),
    "diagonal_saddle": ValueExercise(
        name="second_order.diagonal_saddle",
        answer=diagonal_saddle_reached,
        hints=[
            (
                0,
                "that is pure Newton, which divides by the signed curvature; diagonal Newton "
                "divides by |Hᵢᵢ|, so along θ2 it steps downhill, away from the ridge.",
            ),
        ],
        success="all four: this saddle is a sum of a function of θ1 and one of θ2, so H is "
        "diagonal and diagonal Newton, dividing by |Hᵢᵢ|, is saddle-free Newton here.",
    ),
}

"""Exercises of notebook 01, momentum optimization."""

import numpy as np

from .core import ChoiceExercise, FunctionExercise, ValueExercise


def reference(theta, m, grad, learning_rate, momentum):
    m = momentum * m - learning_rate * grad
    return theta + m, m


def _cases(rng):
    return [
        {
            "theta": rng.normal(size=3),
            "m": rng.normal(size=3) * 0.1,
            "grad": rng.normal(size=3),
            "learning_rate": lr,
            "momentum": beta,
        }
        for lr, beta in ((0.01, 0.9), (0.1, 0.5), (0.05, 0.99))
    ]


def speedup(kappa: float) -> float:
    """Steps of gradient descent over steps of momentum to J − J* < 1e-6 on the bowl of
    condition number kappa, each with the theory's best η (and β): the exercise's experiment."""
    from helpers import optimizers, surfaces, trajectories

    bowl = surfaces.get("bowl", condition=kappa)
    beta = ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2
    runs = [
        optimizers.get("gd", learning_rate=2 / (1 + kappa)),
        optimizers.get("momentum", learning_rate=4 / (1 + kappa**0.5) ** 2, momentum=beta),
    ]
    gd, momentum = (
        trajectories.run(o, bowl, steps=20_000, record_state=False).steps_to(1e-6) for o in runs
    )
    return gd / momentum


EXERCISES = {
    "step": FunctionExercise(
        name="momentum.step",
        reference=reference,
        cases=_cases,
        mistakes=[
            (
                "θ moved by the old momentum: update m first, then θ ← θ + m with the new m.",
                lambda theta, m, grad, learning_rate, momentum: (
                    theta + m,
                    momentum * m - learning_rate * grad,
                ),
            ),
            (
                "the gradient's sign: m ← βm − η∇J (the momentum points downhill).",
                lambda theta, m, grad, learning_rate, momentum: reference(
                    theta, m, -grad, learning_rate, momentum
                ),
            ),
            (
                "the old momentum is not multiplied by β (it must fade: m ← βm − η∇J).",
                lambda theta, m, grad, learning_rate, momentum: reference(
                    theta, m, grad, learning_rate, 1.0
                ),
            ),
            (
                "that is the average form m ← βm + (1 − β)∇J (Adam's); the book's momentum has no "
                "(1 − β): m ← βm − η∇J.",
                lambda theta, m, grad, learning_rate, momentum: (
                    theta - learning_rate * (momentum * m + (1 - momentum) * grad),
                    momentum * m + (1 - momentum) * grad,
                ),
            ),
        ],
        success="m ← βm − η∇J; θ ← θ + m, the book's (and Keras's) momentum.",
    ),
    "terminal_velocity": ValueExercise(
        name="momentum.terminal_velocity",
        answer=0.01 * 2 / (1 - 0.9),
        hints=[
            (
                0.02,
                "0.02 is one plain gradient step, η·g; momentum multiplies it by 1/(1 − β).",
            ),
            (
                0.01 * 2 * 0.9,
                "the geometric series is η·g·(1 + β + β² + …) = η·g/(1 − β).",
            ),
        ],
        success="η·g/(1 − β) = 0.01 × 2 / 0.1 = 0.2: ten times the plain step.",
    ),
    "best_beta": ValueExercise(
        name="momentum.best_beta",
        answer=((np.sqrt(100) - 1) / (np.sqrt(100) + 1)) ** 2,
        rtol=1e-2,
        hints=[
            (
                9 / 11,
                "(√κ − 1)/(√κ + 1) is the convergence rate; the best β is its square.",
            ),
            (
                0.9,
                "0.9 is the usual default, not the best value for κ = 100.",
            ),
        ],
        success="β* = ((√κ − 1)/(√κ + 1))² = (9/11)² ≈ 0.669.",
    ),
    "predict_beta": ChoiceExercise(
        name="momentum.predict_beta",
        answer="further",
        options=("closer", "further"),
        hints=[
            (
                "closer",
                "less friction is not more speed where it counts: with β = 0.99 the ball keeps "
                "swinging across the valley for hundreds of steps (1/(1 − β) = 100).",
            )
        ],
        success="with β = 0.99 there is almost no friction: the swings across the valley die "
        "out over some hundred steps, and after 150 steps momentum is still far from the minimum.",
    ),
    "speedup": ValueExercise(
        name="momentum.speedup",
        answer=lambda: speedup(1000),
        rtol=1e-2,
        success="about 20×, three times the 6.7× at κ = 100: gradient descent's steps grow like "
        "κ, momentum's like √κ, so the speed-up grows like √κ (√10 ≈ 3.2).",
    ),
}

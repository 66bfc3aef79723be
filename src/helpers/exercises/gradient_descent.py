"""Exercises of notebook 00, gradient descent."""

from .core import FunctionExercise, ValueExercise


def _cases(rng):
    return [
        {"theta": rng.normal(size=3), "grad": rng.normal(size=3), "learning_rate": float(lr)}
        for lr in (0.1, 0.01, 0.5)
    ]


EXERCISES = {
    "step": FunctionExercise(
        name="gradient_descent.step",
        reference=lambda theta, grad, learning_rate: theta - learning_rate * grad,
        cases=_cases,
        mistakes=[
            (
                "the step goes uphill: move against the gradient, θ − η∇J.",
                lambda theta, grad, learning_rate: theta + learning_rate * grad,
            ),
            (
                "the step is not scaled by the learning rate η.",
                lambda theta, grad, learning_rate: theta - grad,
            ),
            (
                "the function returns the step, not the new θ.",
                lambda theta, grad, learning_rate: -learning_rate * grad,
            ),
        ],
        success="θ ← θ − η∇J, exactly as helpers.optimizers.SGD does.",
    ),
    "limit": ValueExercise(
        name="gradient_descent.limit",
        answer=2 / 25,
        hints=[
            (1 / 25, "that is 1/λmax; the limit is twice that, 2/λmax."),
            (
                2.0,
                "2/λmin is the flat direction's limit; the steep one binds first.",
            ),
            (
                2 / 26,
                "2/(λmin + λmax) is the fastest η, not the largest stable one.",
            ),
        ],
        success="η < 2/λmax = 2/25 = 0.08.",
    ),
}

"""Exercises of notebook 00, gradient descent."""

from .core import ChoiceExercise, FunctionExercise, ValueExercise


def steps(kappa: float, fraction: float = 1.0) -> int:
    """Steps of gradient descent to J − J* < 1e-6 on the bowl of condition number kappa, with
    ``fraction`` × the fastest η, 2/(1 + κ): the exercises' experiment."""
    from helpers import optimizers, surfaces, trajectories

    bowl = surfaces.get("bowl", condition=kappa)
    sgd = optimizers.get("gd", learning_rate=fraction * 2 / (1 + kappa))
    return int(trajectories.run(sgd, bowl, steps=20_000, record_state=False).steps_to(1e-6))


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
    "predict_half": ChoiceExercise(
        name="gradient_descent.predict_half",
        answer="twice",
        options=("fewer", "twice", "ten times"),
        hints=[
            (
                "fewer",
                "a smaller step is not a shortcut: the flat direction now shrinks by "
                "1 − η·1 = 0.909 per step instead of 0.818.",
            ),
            (
                "ten times",
                "the flat direction's factor goes from 0.818 to 0.909: its distance from "
                "1 halves, so about twice the steps, not ten times.",
            ),
        ],  # fmt: skip
        success="92 steps against 46: the flat direction's factor 1 − η goes from 0.818 to "
        "0.909, and ln 0.818 / ln 0.909 ≈ 2.1.",
    ),
    "steps_at_100": ValueExercise(
        name="gradient_descent.steps_at_100",
        answer=lambda: steps(100),
        rtol=1e-2,
        hints=[(46.0, "46 is κ = 10's count: set kappa = 100 in the cell and run it again.")],
        success="about 500 steps, 11 times κ = 10's 46: the rate (κ − 1)/(κ + 1) gets closer to "
        "1 as κ grows, so the steps grow in proportion to κ.",
    ),
}

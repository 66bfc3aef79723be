"""Exercises of notebook 07, AdamW (decoupled weight decay)."""

import numpy as np

from .core import FunctionExercise, ValueExercise


def _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    s = beta_2 * s + (1 - beta_2) * grad * grad
    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s


def step_reference(theta, m, s, grad, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    theta = theta - learning_rate * weight_decay * theta
    return _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon)


def _l2_in_adam(theta, m, s, grad, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    grad = grad + weight_decay * theta
    return _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon)


def _decay_without_eta(theta, m, s, grad, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    theta = theta - weight_decay * theta
    return _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon)


def _decay_after(theta, m, s, grad, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    theta, m, s = _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon)
    return theta - learning_rate * weight_decay * theta, m, s


def _no_decay(theta, m, s, grad, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    return _adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon)


def _step_cases(rng):
    cases = []
    for t, lr, wd in ((3, 0.01, 0.5), (20, 0.1, 0.04), (1, 0.001, 0.004)):
        cases.append(
            {
                "theta": rng.normal(size=4) * 3,
                "m": rng.normal(size=4) * 0.1 if t > 1 else np.zeros(4),
                "s": rng.uniform(0.01, 1.0, size=4) if t > 1 else np.zeros(4),
                "grad": rng.normal(size=4) * np.array([0.01, 0.1, 1.0, 10.0]),
                "t": t,
                "learning_rate": lr,
                "weight_decay": wd,
                "beta_1": 0.9,
                "beta_2": 0.999,
                "epsilon": 1e-7,
            }
        )
    return cases


SGD_LEARNING_RATE, SGD_WEIGHT_DECAY = 0.01, 0.004

# --- 4. Change the experiment: SGD with momentum, L2 against weight decay ------------------------

MOMENTUM_SETTINGS = {"learning_rate": 0.001, "momentum": 0.9}
MOMENTUM_L2, MOMENTUM_STEPS = 0.5, 500


def momentum_gap():
    """The largest difference between SGD + momentum on J + λ/2‖θ‖² and with weight decay λ."""
    import dataclasses

    from .. import optimizers, surfaces, trajectories  # on first use: the exercises stay light

    rosenbrock = surfaces.get("rosenbrock")
    f, grad, l2 = rosenbrock.f, rosenbrock.grad, MOMENTUM_L2
    penalized = dataclasses.replace(
        rosenbrock,
        f=lambda x, y: f(x, y) + 0.5 * l2 * (x * x + y * y),
        grad=lambda x, y: tuple(g + l2 * v for g, v in zip(grad(x, y), (x, y))),
    )
    with_l2 = optimizers.SGD(**MOMENTUM_SETTINGS)
    with_decay = optimizers.SGD(**MOMENTUM_SETTINGS, weight_decay=l2)
    return trajectories.max_difference(
        trajectories.run(with_l2, penalized, steps=MOMENTUM_STEPS).path,
        trajectories.run(with_decay, rosenbrock, steps=MOMENTUM_STEPS).path,
    )


# --- 5. Predict first: AdamW's decay on a weight with large gradients ----------------------------

DECAY_SIZE, DECAY_ETA, DECAY_LAMBDA, DECAY_STEPS = 1000.0, 0.001, 0.1, 1000


def weight_after_decay():
    """A weight of 1 after AdamW steps on gradients of size DECAY_SIZE that flip sign each step."""
    theta, m, s = np.ones(1), np.zeros(1), np.zeros(1)
    for t in range(1, DECAY_STEPS + 1):
        grad = DECAY_SIZE * (-1.0) ** t * np.ones(1)
        theta, m, s = step_reference(
            theta, m, s, grad, t, DECAY_ETA, DECAY_LAMBDA, 0.9, 0.999, 1e-7
        )
    return float(theta[0])


EXERCISES = {
    "step": FunctionExercise(
        name="adamw.step",
        reference=step_reference,
        cases=_step_cases,
        mistakes=[
            (
                "that adds λθ to the gradient: it is L2 regularization inside Adam, not AdamW. "
                "The term then goes through m and s and is divided by √ŝ. Decay θ directly: "
                "θ ← θ − ηλθ, then take Adam's step with the plain gradient.",
                _l2_in_adam,
            ),
            (
                "the decay is scaled by the learning rate too (as Keras does it): θ ← θ − ηλθ, "
                "not θ − λθ.",
                _decay_without_eta,
            ),
            (
                "Keras decays the weights before Adam's step, θ ← θ − ηλθ on the old θ, then "
                "subtracts the Adam step; decaying the updated θ afterwards differs slightly.",
                _decay_after,
            ),
            (
                "the weight decay is missing: θ ← θ − ηλθ before the Adam step.",
                _no_decay,
            ),
        ],
        success="θ ← θ − ηλθ, then Adam's step with the plain gradient: decoupled weight decay.",
    ),
    "sgd_factor": ValueExercise(
        name="adamw.sgd_factor",
        answer=SGD_WEIGHT_DECAY / 2,
        hints=[
            (
                SGD_WEIGHT_DECAY,
                "close: but keras.regularizers.l2(c) adds c·Σθ² (no ½), whose gradient is 2cθ. "
                "The decay ηλθ needs 2c = λ.",
            ),
            (
                SGD_WEIGHT_DECAY / SGD_LEARNING_RATE,
                "Keras already multiplies the decay by η (θ ← θ − ηλθ), as the gradient step "
                "multiplies 2cθ by η: no division by η is needed. (Dividing by η is right for a "
                "decay that is not scaled by η, as in Loshchilov & Hutter's paper.)",
            ),
            (
                SGD_WEIGHT_DECAY / SGD_LEARNING_RATE / 2,
                "Keras already multiplies the decay by η (θ ← θ − ηλθ), as the gradient step "
                "multiplies 2cθ by η: no division by η is needed.",
            ),
            (
                SGD_WEIGHT_DECAY * SGD_LEARNING_RATE,
                "η multiplies both the decay and the gradient step, so it cancels: c does not "
                "depend on η.",
            ),
        ],
        success="c = λ/2 = 0.002: the penalty 0.002·Σθ² has gradient 0.004·θ, and SGD's step "
        "−η·0.004·θ is exactly Keras's decay.",
    ),
    "l2_ratio": ValueExercise(
        name="adamw.l2_ratio",
        answer=10 / 0.01,
        hints=[
            (
                1.0,
                "1 would be AdamW: its decay ηλθ does not depend on the gradients. With L2 the "
                "term λθ is divided by √ŝ ≈ the gradient's size.",
            ),
            (
                0.01 / 10,
                "the other way round: the weight with the *small* gradients has the small √ŝ, "
                "so its λθ/√ŝ is the larger.",
            ),
        ],
        success="λθ/√ŝ with √ŝ ≈ 0.01 against √ŝ ≈ 10: the small-gradient weight decays 1,000 "
        "times faster under L2 + Adam.",
    ),
    "momentum_gap": ValueExercise(
        name="adamw.momentum_gap",
        answer=momentum_gap,
        rtol=1e-2,
        hints=[
            (
                1e-16,
                "that is the gap without momentum; give both runs momentum=0.9.",
            )
        ],
        success="with momentum the two paths part: the L2 gradient is carried in the velocity, "
        "the decay is not. L2 = weight decay holds for plain SGD only.",
    ),
    "predict_decay": ValueExercise(
        name="adamw.predict_decay",
        answer=weight_after_decay,
        rtol=1e-2,
        hints=[
            (
                1.0,
                "the gradients are large, but AdamW's decay does not go through Adam's scaling: "
                "it shrinks the weight by (1 − ηλ) at every step.",
            )
        ],
        success="(1 − ηλ)¹⁰⁰⁰ ≈ 0.905, whatever the size of the gradients: the decoupled decay.",
    ),
}

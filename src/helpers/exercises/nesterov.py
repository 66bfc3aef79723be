"""Exercises of notebook 02, Nesterov Accelerated Gradient."""

import numpy as np

from .core import ChoiceExercise, FunctionExercise, ValueExercise


class QuadraticGradient:
    """∇J(θ) = A(θ − c) for J = ½(θ − c)ᵀA(θ − c): a gradient function to call, with a short
    readable repr (it is shown when a case differs)."""

    def __init__(self, a, c):
        self.a, self.c = np.asarray(a, dtype=float), np.asarray(c, dtype=float)

    def __call__(self, theta):
        return self.a @ (np.asarray(theta, dtype=float) - self.c)

    def __repr__(self):
        with np.printoptions(precision=3, suppress=True):
            return f"grad_fn(θ) = A(θ − c) with A = {self.a.tolist()}, c = {self.c.tolist()}"


def _gradient(rng, n=3):
    q = rng.normal(size=(n, n))
    return QuadraticGradient(q @ q.T + np.eye(n), rng.normal(size=n))


# --- 1. The book's Nesterov step ---------------------------------------------------------------


def step_reference(theta, m, grad_fn, learning_rate, momentum):
    m = momentum * m - learning_rate * grad_fn(theta + momentum * m)
    return theta + m, m


def _step_cases(rng):
    return [
        {
            "theta": rng.normal(size=3),
            "m": rng.normal(size=3) * 0.3,
            "grad_fn": _gradient(rng),
            "learning_rate": lr,
            "momentum": beta,
        }
        for lr, beta in ((0.01, 0.9), (0.1, 0.5), (0.05, 0.99))
    ]


def _at_theta(theta, m, grad_fn, learning_rate, momentum):
    m = momentum * m - learning_rate * grad_fn(theta)
    return theta + m, m


def _ahead_by_m(theta, m, grad_fn, learning_rate, momentum):
    m = momentum * m - learning_rate * grad_fn(theta + m)
    return theta + m, m


def _behind(theta, m, grad_fn, learning_rate, momentum):
    m = momentum * m - learning_rate * grad_fn(theta - momentum * m)
    return theta + m, m


def _old_m(theta, m, grad_fn, learning_rate, momentum):
    new_m = momentum * m - learning_rate * grad_fn(theta + momentum * m)
    return theta + m, new_m


def _keras_form(theta, m, grad_fn, learning_rate, momentum):
    g = grad_fn(theta)
    m = momentum * m - learning_rate * g
    return theta + momentum * m - learning_rate * g, m


# --- 2. Keras's form -----------------------------------------------------------------------------


def keras_step_reference(phi, m, grad, learning_rate, momentum):
    m = momentum * m - learning_rate * grad
    return phi + momentum * m - learning_rate * grad, m


def _keras_cases(rng):
    return [
        {
            "phi": rng.normal(size=3),
            "m": rng.normal(size=3) * 0.3,
            "grad": rng.normal(size=3),
            "learning_rate": lr,
            "momentum": beta,
        }
        for lr, beta in ((0.01, 0.9), (0.1, 0.5), (0.05, 0.99))
    ]


def _plain_momentum(phi, m, grad, learning_rate, momentum):
    m = momentum * m - learning_rate * grad
    return phi + m, m


def _keras_stale_state(phi, m, grad, learning_rate, momentum):
    new_m = momentum * m - learning_rate * grad
    return phi + momentum * new_m - learning_rate * grad, m


def _keras_no_gradient(phi, m, grad, learning_rate, momentum):
    m = momentum * m - learning_rate * grad
    return phi + momentum * m, m


def _keras_both(phi, m, grad, learning_rate, momentum):
    m = momentum * m - learning_rate * grad
    return phi + m + momentum * m, m


# --- 3. The stability limit ----------------------------------------------------------------------

LIMIT_CURVATURE = 50.0
LIMIT_BETA = 0.9


def _limit(beta, curvature=LIMIT_CURVATURE):
    return 2 * (1 + beta) / ((1 + 2 * beta) * curvature)


CHANGED_BETA = 0.5  # the "change the experiment" exercise: Nesterov's limit at this β


EXERCISES = {
    "step": FunctionExercise(
        name="nesterov.step",
        reference=step_reference,
        cases=_step_cases,
        mistakes=[
            (
                "that is plain momentum: the gradient is measured at θ. Nesterov measures it "
                "ahead, at θ + βm.",
                _at_theta,
            ),
            (
                "the look-ahead point is θ + βm, not θ + m: the momentum will carry θ by βm "
                "before this step's gradient is added.",
                _ahead_by_m,
            ),
            (
                "the look-ahead goes the wrong way: measure the gradient at θ + βm (ahead, in "
                "the direction of the momentum), not θ − βm.",
                _behind,
            ),
            (
                "θ moved by the old momentum: update m first, then θ ← θ + m with the new m.",
                _old_m,
            ),
            (
                "that is Keras's form of the step (φ ← φ + βm − η∇J(φ)); the book's form moves "
                "θ by m and measures the gradient at θ + βm.",
                _keras_form,
            ),
        ],
        success="m ← βm − η∇J(θ + βm); θ ← θ + m: the book's Nesterov step.",
    ),
    "keras_step": FunctionExercise(
        name="nesterov.keras_step",
        reference=keras_step_reference,
        cases=_keras_cases,
        mistakes=[
            (
                "that is plain momentum, φ ← φ + m. In the variable φ = θ + βm the step is "
                "φ ← φ + βm − η∇J(φ), with the new m.",
                _plain_momentum,
            ),
            (
                "φ is right, but the function returns the old m: return the new momentum "
                "m ← βm − η∇J(φ), which the next step needs.",
                _keras_stale_state,
            ),
            (
                "the step also holds this step's gradient once more: φ ← φ + βm − η∇J(φ).",
                _keras_no_gradient,
            ),
            (
                "φ ← φ + m + βm counts the gradient step twice through m; the step is "
                "φ ← φ + βm − η∇J(φ), i.e. β²m_old − (1 + β)η∇J(φ).",
                _keras_both,
            ),
        ],
        success="m ← βm − η∇J(φ); φ ← φ + βm − η∇J(φ): Keras's SGD(momentum=β, nesterov=True).",
    ),
    "limit": ValueExercise(
        name="nesterov.limit",
        answer=_limit(LIMIT_BETA),
        rtol=1e-3,
        hints=[
            (
                2 * (1 + LIMIT_BETA) / LIMIT_CURVATURE,
                "that is momentum's limit 2(1 + β)/λmax; Nesterov's is smaller by the factor "
                "1 + 2β.",
            ),
            (2 / LIMIT_CURVATURE, "that is gradient descent's limit 2/λmax."),
            (
                (1 + LIMIT_BETA) / ((1 + 2 * LIMIT_BETA) * LIMIT_CURVATURE),
                "the factor 2 is missing: η < 2(1 + β)/((1 + 2β)λmax).",
            ),
        ],
        success="2(1 + β)/((1 + 2β)λmax) = 3.8/(2.8 × 50) ≈ 0.0271, below gradient descent's 0.04.",
    ),
    "predict_diverge": ChoiceExercise(
        name="nesterov.predict_diverge",
        answer="nesterov",
        options=("momentum", "nesterov", "both", "neither"),
        hints=[
            (
                "momentum",
                "momentum's limit is 2(1 + β)/λmax = 0.38 at β = 0.9: η = 0.2 is well inside it.",
            ),
            (
                "both",
                "momentum's limit is 2(1 + β)/λmax = 0.38 at β = 0.9: η = 0.2 is well inside it.",
            ),
            (
                "neither",
                "Nesterov's limit is 2(1 + β)/((1 + 2β)λmax) ≈ 0.136 at β = 0.9, below η = 0.2.",
            ),
        ],
        success="Nesterov diverges and momentum does not: at β = 0.9 Nesterov's limit "
        "2(1 + β)/((1 + 2β)λmax) ≈ 0.136 is almost three times below momentum's 0.38.",
    ),
    "limit_beta": ValueExercise(
        name="nesterov.limit_beta",
        answer=2 * (1 + CHANGED_BETA) / ((1 + 2 * CHANGED_BETA) * 10),
        rtol=2e-2,
        hints=[
            (
                _limit(0.9, curvature=10),
                "that is the limit at β = 0.9: set beta = 0.5 and run again.",
            ),
            (2 * (1 + CHANGED_BETA) / 10, "that is momentum's limit at β = 0.5, not Nesterov's."),
        ],
        success="about 0.15 = 2(1 + β)/((1 + 2β)λmax) at β = 0.5: with less momentum the "
        "look-ahead's brake overreacts less, and the limit rises towards gradient descent's 0.2.",
    ),
}

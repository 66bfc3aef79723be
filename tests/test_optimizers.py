"""The reference optimizers: pure, validated, and equal to Keras 3 step for step."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from helpers import optimizers as O
from helpers import surfaces, trajectories

# The tests that compare with Keras take the ``keras`` fixture (tests/conftest.py): without
# TensorFlow they are skipped and the NumPy-only tests here still run.

# ---------------------------------------------------------------------------------------------
# Equality with Keras, in float32.
#
# SGD, Nesterov, AdaGrad and RMSProp come out bit for bit equal. The Adam family computes β^t
# with TensorFlow's float32 pow, which differs from the C library's by one unit in the last
# place for about a third of the exponents; over 120 steps those ulps grow to a few 1e-6 of the
# parameters' size. The tolerance is stated against that size:
# |θ_numpy − θ_keras| ≤ 1e-5 · max(1, max|θ_keras|) at every step (float32's relative precision
# is 1.2e-7; the worst case seen is 2.7e-6, Nadam).
TOLERANCE = 1e-5
STEPS = 120

_rng = np.random.default_rng(0)
_B = _rng.normal(size=(6, 6))
_A = (_B @ _B.T / 6 + 0.1 * np.eye(6)).astype(np.float32)


def coupled_quartic(p):
    """∇ of ½pᵀAp + ⅛Σp⁴: coupled coordinates of different curvature."""
    return (_A @ p + 0.5 * p**3).astype(np.float32)


def rosenbrock(p):
    gx, gy = surfaces.rosenbrock().grad(p[0], p[1])
    return np.array([gx, gy], dtype=np.float32)


def matrix_quadratic(p):
    """A (3, 4) parameter matrix, to show that any shape works."""
    scales = np.linspace(0.2, 3.0, 12, dtype=np.float32).reshape(3, 4)
    return (scales * (p - 0.5) + 0.1 * np.sin(3 * p)).astype(np.float32)


PROBLEMS = {
    "coupled_quartic": (coupled_quartic, _rng.normal(size=6).astype(np.float32)),
    "rosenbrock": (rosenbrock, np.array([-1.2, 1.0], dtype=np.float32)),
    "matrix_quadratic": (matrix_quadratic, _rng.normal(size=(3, 4)).astype(np.float32)),
}

SETTINGS = {
    "gd": [dict(learning_rate=0.002), dict(learning_rate=0.001, weight_decay=0.1)],
    "momentum": [dict(learning_rate=0.001, momentum=0.9), dict(learning_rate=0.0005, momentum=0.5)],
    "nesterov": [dict(learning_rate=0.001), dict(learning_rate=0.0005, momentum=0.99)],
    "adagrad": [
        dict(learning_rate=0.1),
        dict(learning_rate=0.05, epsilon=0.1, initial_accumulator_value=0.0),
    ],
    "rmsprop": [
        dict(learning_rate=0.01),
        dict(learning_rate=0.01, momentum=0.9, centered=True, epsilon=0.1),
        dict(learning_rate=0.003, rho=0.5, centered=True),
    ],
    "adam": [
        dict(learning_rate=0.01),
        dict(learning_rate=0.02, epsilon=0.1, amsgrad=True),
        dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9),
    ],
    "adamax": [dict(learning_rate=0.01), dict(learning_rate=0.02, epsilon=0.1, beta_2=0.9)],
    "nadam": [dict(learning_rate=0.01), dict(learning_rate=0.02, epsilon=0.1, beta_2=0.99)],
    "adamw": [dict(learning_rate=0.01), dict(learning_rate=0.01, weight_decay=0.1, epsilon=0.1)],
}

WORST: dict[str, float] = {}  # reported by conftest.py at the end of the run


def keras_path(keras, optimizer, grad_fn, x0, steps):
    variable = keras.Variable(x0.copy(), dtype="float32")
    keras_opt = optimizer.to_keras()
    path = [x0.copy()]
    for _ in range(steps):
        g = keras.ops.convert_to_tensor(grad_fn(variable.numpy()))
        keras_opt.apply_gradients([(g, variable)])
        path.append(variable.numpy())
    return np.array(path)


def numpy_path(optimizer, grad_fn, x0, steps):
    params, state = x0.copy(), optimizer.init(x0)
    path = [params]
    for _ in range(steps):
        params, state = optimizer.update(
            params, grad_fn(optimizer.gradient_point(params, state)), state
        )
        path.append(params)
    return np.array(path)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_matches_keras_step_for_step(name, keras):
    worst = 0.0
    for hyperparameters in SETTINGS[name]:
        for problem, (grad_fn, x0) in PROBLEMS.items():
            optimizer = O.get(name, **hyperparameters)
            ours = numpy_path(optimizer, grad_fn, x0, STEPS)
            theirs = keras_path(keras, optimizer, grad_fn, x0, STEPS)
            assert ours.dtype == np.float32
            moved = np.abs(theirs[-1] - theirs[0]).max()
            assert moved > 1e-3, f"{name} {hyperparameters} hardly moved on {problem}: a weak test"
            assert np.isfinite(theirs).all()
            scale = max(1.0, float(np.abs(theirs).max()))
            error = float(np.abs(ours - theirs).max() / scale)
            worst = max(worst, error)
            assert error <= TOLERANCE, f"{name} {hyperparameters} on {problem}: {error:.2e}"
    WORST[name] = worst


def test_a_wrong_rule_would_be_caught(keras):
    """The comparison is sharp enough to see a plausible mistake: Adam without ε̂'s placement."""

    class AdamEpsilonInside(O.Adam):
        def update(self, params, grads, state):
            m = 0.9 * state["momentum"] + 0.1 * grads
            v = 0.999 * state["velocity"] + 0.001 * grads * grads
            t = state["iterations"] + 1
            m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
            new = {"iterations": t, "momentum": m, "velocity": v}
            step = self.learning_rate * m_hat / np.sqrt(v_hat + self.epsilon)
            return (params - step).astype(np.float32), new

    grad_fn, x0 = PROBLEMS["coupled_quartic"]
    optimizer = AdamEpsilonInside(learning_rate=0.02, epsilon=0.1)
    error = np.abs(
        numpy_path(optimizer, grad_fn, x0, STEPS) - keras_path(keras, optimizer, grad_fn, x0, STEPS)
    )
    assert error.max() > 100 * TOLERANCE


# ---------------------------------------------------------------------------------------------
# Names, arguments and defaults


KERAS_CLASSES = [O.SGD, O.Adagrad, O.RMSprop, O.Adam, O.Adamax, O.Nadam, O.AdamW]


@pytest.mark.parametrize("cls", KERAS_CLASSES, ids=lambda c: c.__name__)
def test_arguments_and_defaults_are_keras(cls, keras):
    keras_params = inspect.signature(getattr(keras.optimizers, cls.__name__).__init__).parameters
    ours = inspect.signature(cls).parameters
    keras_names = [n for n in keras_params if n in ours]
    assert keras_names == list(ours), "same names, in Keras's order"
    for name, parameter in ours.items():
        assert parameter.default == keras_params[name].default, name


def test_get_knows_the_course_names():
    assert O.get("gd").kind == "gd" and O.get("gd").momentum == 0.0
    assert O.get("momentum").momentum == 0.9 and not O.get("momentum").nesterov
    assert O.get("nesterov").nesterov and O.get("nesterov").kind == "nesterov"
    for name in O.NAMES:
        assert O.get(name).kind == name
    assert O.get("adam", learning_rate=0.1).learning_rate == 0.1
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        O.get("adamm")


@pytest.mark.parametrize("name", O.NAMES)
def test_to_keras_carries_every_hyperparameter(name, keras):
    optimizer = O.get(name, learning_rate=0.0123)
    config = optimizer.to_keras().get_config()
    for key, value in optimizer.hyperparameters.items():
        assert config[key] == pytest.approx(value), key


@pytest.mark.parametrize(
    "name, bad, message",
    [
        ("gd", dict(learning_rate=0.0), r"learning_rate \(η\) must be in \(0, ∞\); got 0"),
        ("gd", dict(learning_rate=-1.0), r"learning_rate \(η\)"),
        ("momentum", dict(momentum=1.0), r"momentum \(β\) must be in \[0, 1\); got 1"),
        ("rmsprop", dict(rho=1.5), r"rho \(ρ\)"),
        ("adam", dict(beta_2=1.0), r"beta_2 \(β2\) must be in \[0, 1\)"),
        ("adam", dict(epsilon=0.0), r"epsilon \(ε\) must be in \(0, ∞\)"),
        ("nadam", dict(beta_1=float("nan")), r"beta_1 \(β1\)"),
        ("adamw", dict(weight_decay=-0.1), r"weight_decay \(λ\)"),
        ("adam", dict(learning_rate=np.array([0.1, -0.1])), r"got -0.1"),
    ],
)
def test_bad_hyperparameters_are_refused_clearly(name, bad, message):
    with pytest.raises(ValueError, match=message):
        O.get(name, **bad)


# ---------------------------------------------------------------------------------------------
# Purity and shapes


@pytest.mark.parametrize("name", O.NAMES + ("nesterov_lookahead",))
def test_update_is_pure(name):
    optimizer = O.get(name, learning_rate=0.1)
    before = optimizer.hyperparameters
    params = np.array([[1.0, -2.0], [0.5, 3.0]])
    grads = np.array([[0.3, -0.1], [2.0, 0.0]])
    state = optimizer.init(params)
    copies = (params.copy(), grads.copy(), {k: np.copy(v) for k, v in state.items()})
    new_params, new_state = optimizer.update(params, grads, state)
    again, _ = optimizer.update(params, grads, state)
    np.testing.assert_array_equal(new_params, again)  # same inputs, same output
    np.testing.assert_array_equal(params, copies[0])
    np.testing.assert_array_equal(grads, copies[1])
    for key, value in state.items():
        np.testing.assert_array_equal(value, copies[2][key])
    assert new_state["iterations"] == state["iterations"] + 1
    assert new_params.shape == params.shape
    assert optimizer.hyperparameters == before
    with pytest.raises(AttributeError):
        optimizer.learning_rate = 1.0


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam", "adamax"])
def test_effective_step_explains_the_step(name):
    """For the adaptive methods, θ moves by effective_step × (gradient or momentum).
    (Nadam mixes m and the gradient; its step is checked against Keras instead.)"""
    optimizer = O.get(name, learning_rate=0.05)
    params, state = np.array([1.0, -2.0]), None
    state = optimizer.init(params)
    for g in (np.array([0.5, -3.0]), np.array([0.4, -1.0]), np.array([-0.2, 2.0])):
        new_params, state = optimizer.update(params, g, state)
        direction = g if name in ("adagrad", "rmsprop") else state["momentum"]
        np.testing.assert_allclose(params - new_params, optimizer.effective_step(state) * direction)
        params = new_params


# ---------------------------------------------------------------------------------------------
# The book's Nesterov (gradient at θ + βm) is Keras's after the change of variables φ = θ + βm


def test_lookahead_nesterov_is_keras_nesterov_in_other_variables():
    surface = surfaces.get("rosenbrock")
    book = trajectories.run(
        O.NesterovLookahead(learning_rate=0.0005, momentum=0.9), surface, steps=300
    )
    keras_form = trajectories.run(
        O.get("nesterov", learning_rate=0.0005, momentum=0.9), surface, steps=300
    )
    phi = book.path + 0.9 * book.states["momentum"]
    np.testing.assert_allclose(phi, keras_form.path, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(book.states["momentum"], keras_form.states["momentum"], atol=1e-12)
    assert np.abs(book.path - keras_form.path).max() > 1e-3  # the two paths are not the same


def test_lookahead_nesterov_to_keras_follows_phi(keras):
    grad_fn, x0 = PROBLEMS["coupled_quartic"]
    book = O.NesterovLookahead(learning_rate=0.01, momentum=0.9)
    params, state = x0.copy(), book.init(x0)
    phis = [x0.copy()]
    for _ in range(STEPS):
        params, state = book.update(params, grad_fn(book.gradient_point(params, state)), state)
        phis.append(params + np.float32(0.9) * state["momentum"])
    theirs = keras_path(keras, book, grad_fn, x0, STEPS)
    np.testing.assert_allclose(np.array(phis), theirs, atol=1e-5)


@pytest.mark.parametrize(
    "name, hyperparameters",
    [
        ("gd", {}),
        ("momentum", {"momentum": 0.9}),
        ("momentum", {"momentum": 0.5}),
        ("nesterov", {"momentum": 0.9}),
        ("nesterov", {"momentum": 0.3}),
    ],
)
def test_stable_learning_rate_separates_convergence_from_divergence(name, hyperparameters):
    bowl = surfaces.get("bowl", condition=10)
    assert bowl.max_curvature == pytest.approx(10.0)
    limit = O.stable_learning_rate(O.get(name, **hyperparameters), bowl.max_curvature)
    below = trajectories.run(
        O.get(name, learning_rate=0.97 * limit, **hyperparameters), bowl, steps=3000
    )
    above = trajectories.run(
        O.get(name, learning_rate=1.03 * limit, **hyperparameters), bowl, steps=3000
    )
    assert not below.diverged and below.final_loss < 1e-6
    assert above.diverged


def test_no_simple_limit_for_adaptive_methods():
    assert O.stable_learning_rate("adam", 10.0) is None


@pytest.mark.parametrize("name", O.NAMES)
def test_effective_step_before_the_first_step_is_quiet(name):
    """Adam's family has no step size before its first step (the bias correction divides by
    zero): NaN, without a floating-point warning; the others already have one."""
    optimizer = O.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = np.asarray(optimizer.effective_step(optimizer.init(np.zeros(2))))
    if name in {"adam", "adamax", "nadam", "adamw"}:
        assert np.isnan(step).all()
    else:
        assert np.isfinite(step).all() and (step > 0).all()

"""Learning rate schedules: the formulas equal Keras's schedules, 1cycle has its shape, the
callback and the finder do what they say, and 2D runs follow a schedule."""

import numpy as np
import pytest

from helpers import optimizers as O
from helpers import schedules
from helpers.trajectories import run

# The tests that need Keras take the ``keras`` fixture (tests/conftest.py); the formulas' tests
# run without TensorFlow.

STEPS = np.arange(0, 5000, 37)


@pytest.mark.parametrize(
    "kind, parameters",
    [
        ("power", {"initial_learning_rate": 0.01, "steps": 200, "power": 1.0}),
        ("power", {"initial_learning_rate": 0.1, "steps": 50, "power": 0.5}),
        ("exponential", {"initial_learning_rate": 0.01, "steps": 1000}),
        ("exponential", {"initial_learning_rate": 0.3, "steps": 400, "rate": 0.5}),
        ("piecewise", {"boundaries": [1000, 3000], "values": [0.1, 0.01, 0.001]}),
    ],
)
def test_formulas_equal_keras_schedules(kind, parameters, keras):
    ours = schedules.evaluate(kind, STEPS, **parameters)
    schedule = schedules.keras_schedule(kind, **parameters)
    theirs = np.array([float(schedule(int(t))) for t in STEPS])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert ours[0] == pytest.approx(
        parameters.get("initial_learning_rate", parameters.get("values", [0])[0])
    )


def test_keras_inverse_time_decay_is_power_scheduling_with_c_1(keras):
    keras_schedule = keras.optimizers.schedules.InverseTimeDecay(
        0.01, decay_steps=200, decay_rate=1.0
    )
    theirs = np.array([float(keras_schedule(int(t))) for t in STEPS])
    np.testing.assert_allclose(schedules.power(STEPS, 0.01, 200), theirs, rtol=1e-5)


def test_power_decay_is_serializable(keras):
    schedule = schedules.PowerDecay(0.01, 100, 2.0)
    assert isinstance(schedule, schedules.PowerDecay)  # a class, as its name says
    again = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(schedule))
    assert float(again(300)) == pytest.approx(float(schedule(300))) == pytest.approx(0.01 / 16)


def test_one_cycle_shape():
    t = np.arange(1000)
    rates = schedules.one_cycle(t, 1000, max_rate=0.1)
    peak = int(np.argmax(rates))
    assert 440 <= peak <= 460 and rates[peak] == pytest.approx(0.1, rel=0.01)
    assert rates[0] == pytest.approx(0.01)
    assert rates[899] == pytest.approx(0.01, rel=0.05) and rates[-1] == pytest.approx(1e-5, rel=0.2)
    assert np.all(np.diff(rates[:peak]) > 0) and np.all(np.diff(rates[peak:]) <= 1e-12)


def test_one_cycle_callback_sets_the_rate_of_every_batch(keras):
    X = np.random.default_rng(0).uniform(size=(320, 28, 28)).astype("float32")
    y = np.random.default_rng(1).integers(0, 10, 320).astype("uint8")
    from helpers import training

    callback = schedules.OneCycle(total_steps=20, max_rate=0.05)
    assert isinstance(callback, schedules.OneCycle) and isinstance(
        callback, keras.callbacks.Callback
    )
    training.train(
        "gd", data=((X, y), (X[:32], y[:32])), epochs=2, callbacks=[callback], fast=False
    )
    np.testing.assert_allclose(callback.rates, schedules.one_cycle(np.arange(20), 20, 0.05))


def test_learning_rate_finder_grows_the_rate_exponentially(keras):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 640).astype("uint8")
    X = rng.uniform(0, 0.3, (640, 28, 28)).astype("float32")
    X[np.arange(640), y, :] += 0.7
    from helpers.lr_finder import learning_rate_finder

    assert schedules.learning_rate_finder is learning_rate_finder
    rates, losses = learning_rate_finder(
        "gd", data=((X, y), (X, y)), min_rate=1e-4, max_rate=100, steps=60
    )
    assert len(rates) == len(losses) and 30 <= len(rates) <= 60
    np.testing.assert_allclose(rates[1:] / rates[:-1], (100 / 1e-4) ** (1 / 60))
    finite = losses[np.isfinite(losses)]
    assert finite.min() < losses[0], "the loss falls at first"
    assert not np.isfinite(losses[-1]) or losses[-1] > finite.min() * 2, "then blows up"


def test_a_run_follows_a_schedule():
    schedule = lambda t: schedules.exponential(t, 0.2, 30)  # noqa: E731
    result = run(O.get("gd", learning_rate=1.0), "bowl", steps=60, schedule=schedule)
    params = np.array(result.path[0])
    for t in range(60):
        params = params - schedule(t) * result.surface.gradient(params)
    np.testing.assert_allclose(result.path[-1], params)
    with pytest.raises(ValueError, match="single learning_rate"):
        run(O.get("gd", learning_rate=np.array([0.1, 0.2])), "bowl", schedule=schedule)


def test_unknown_schedule():
    with pytest.raises(ValueError, match="unknown schedule"):
        schedules.evaluate("cosine", [0])


def test_the_formulas_need_no_keras():
    """Importing the formulas (as the explorer and trajectories do) does not import Keras."""
    import subprocess
    import sys

    code = (
        "import sys; from helpers import schedules; schedules.evaluate('power', [0, 1], "
        "initial_learning_rate=0.1, steps=10); print('keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

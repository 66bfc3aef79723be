"""The book's MLP: architecture, reproducibility, and fast training equal to plain fit."""

import numpy as np
import pytest

from helpers import backend
from helpers import optimizers as O

try:
    keras = backend.keras()
except ImportError as error:
    pytest.skip(f"TensorFlow with Keras 3 is not installed: {error}", allow_module_level=True)

from helpers import config, fastfit, training  # noqa: E402


def test_the_books_architecture():
    model = training.build_model()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Flatten", "Dense", "Dense", "Dense", "Dense"]
    assert [layer.units for layer in model.layers[1:]] == [100, 100, 100, 10]
    assert [layer.activation.__name__ for layer in model.layers[1:]] == ["relu"] * 3 + ["softmax"]
    assert all(
        isinstance(layer.kernel_initializer, keras.initializers.HeNormal)
        for layer in model.layers[1:4]
    )
    assert model.count_params() == 784 * 100 + 100 + 2 * (100 * 100 + 100) + 100 * 10 + 10
    assert model.input_shape == (None, 28, 28)


def test_same_seed_same_initial_weights():
    a, b, c = training.build_model(42), training.build_model(42), training.build_model(7)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert any(np.abs(wa - wc).max() > 0 for wa, wc in zip(a.get_weights(), c.get_weights()))


def test_keras_optimizer_from_names_references_and_keras():
    assert isinstance(training.keras_optimizer("nesterov"), keras.optimizers.SGD)
    assert training.keras_optimizer("nesterov").nesterov
    sgd = training.keras_optimizer(O.get("momentum", learning_rate=0.05))
    assert float(sgd.learning_rate) == pytest.approx(0.05) and sgd.momentum == 0.9
    original = keras.optimizers.Adam(learning_rate=0.003)
    fresh = training.keras_optimizer(original, beta_2=0.99)
    assert fresh is not original and fresh.beta_2 == 0.99
    assert float(fresh.learning_rate) == pytest.approx(0.003)
    with pytest.raises(TypeError):
        training.keras_optimizer(3.0)


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
def test_fast_training_gives_the_same_numbers_as_plain_fit(small_data, name):
    """The fast path (each epoch in one call, Keras's batch order) against the book's plain
    ``model.fit``: the same metrics every epoch and the same final weights."""

    assert fastfit.supported(training.build_model())  # so the fast path is the one tested
    fast = training.train(name, data=small_data, epochs=3, fast=True)
    plain = training.train(name, data=small_data, epochs=3, fast=False)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(fast.history[key], plain.history[key], rtol=0, atol=1e-6)
    for a, b in zip(fast.model.get_weights(), plain.model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert len(fast.epoch_times) == 3 and all(t > 0 for t in fast.epoch_times)


def test_a_per_batch_callback_sees_every_batch(small_data):
    class Counter(keras.callbacks.Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            Counter.batches += 1

    class EpochOnly(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    assert fastfit.has_batch_hooks(Counter()) and not fastfit.has_batch_hooks(EpochOnly())
    training.train("gd", data=small_data, epochs=1, callbacks=[Counter(), EpochOnly()])
    assert Counter.batches == len(small_data[0][0]) // training.BATCH_SIZE


def test_training_is_reproducible_and_learns(small_data):
    first = training.train("adam", data=small_data, epochs=3)
    again = training.train("adam", data=small_data, epochs=3)
    assert first.history["loss"] == again.history["loss"]
    assert first.history["loss"][-1] < first.history["loss"][0]
    assert first.history["val_accuracy"][-1] > 0.5, "the two kinds are easy to tell apart"
    assert first.optimizer_config["name"].startswith("adam")


def test_different_optimizers_start_from_the_same_weights(small_data):
    """Same seed, same initial weights: the first batch's loss is the same for any optimizer."""
    losses = []
    for name in ("gd", "adam"):
        history = training.train(name, data=small_data, epochs=1, learning_rate=1e-12)
        losses.append(history.history["val_loss"][0])
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)


def test_compare_and_sweep(small_data):
    histories = training.compare({"GD": "gd", "Momentum": "momentum"}, data=small_data, epochs=1)
    assert list(histories) == ["GD", "Momentum"]
    swept = training.sweep("momentum", [0.01, 0.1], data=small_data, epochs=1)
    assert list(swept) == [0.01, 0.1]
    # the same run, trained in two batches: its place in each (a matmul's column block) may
    # change the last bits
    same_run = zip(swept[0.01].history["loss"], histories["Momentum"].history["loss"], strict=True)
    assert all(abs(a - b) <= 1e-6 for a, b in same_run)
    assert training.best(swept[0.1], "val_accuracy") == max(swept[0.1].history["val_accuracy"])


def test_an_l2_penalty_adds_to_the_loss(small_data):
    plain = training.train("adam", data=small_data, epochs=1, learning_rate=1e-12)
    penalized = training.train(
        "adam",
        data=small_data,
        epochs=1,
        learning_rate=1e-12,
        kernel_regularizer=keras.regularizers.l2(0.01),
    )
    assert penalized.history["loss"][0] > plain.history["loss"][0] + 0.1
    assert penalized.history["val_accuracy"] == plain.history["val_accuracy"]  # same weights


def test_results_cache(small_data, tmp_path, monkeypatch):
    monkeypatch.setenv("FASTER_OPTIMIZERS_DATA", str(tmp_path))
    log = tmp_path / "runs.log"  # where make notebooks notes the saved runs read and written
    monkeypatch.setenv(config.RUNS_LOG_ENV, str(log))
    first = training.train("nadam", data=small_data, epochs=2, cache=True)
    assert first.cached is False and len(list((tmp_path / "runs").glob("*.json"))) == 1
    again = training.train("nadam", data=small_data, epochs=2, cache=True)
    key = next((tmp_path / "runs").glob("*.json")).stem
    assert log.read_text().splitlines() == [f"wrote {key}", f"read {key}"]
    assert again.cached is True and again.model is None
    assert again.history == first.history and again.epoch == [0, 1]
    assert again.epoch_times == first.epoch_times
    shown = []  # in a notebook, a reused result says so, in place of the progress bar
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj.data))
    training.train("nadam", data=small_data, epochs=2, cache=True, verbose=True, label="Nadam")
    assert len(shown) == 1 and shown[0].startswith(f"Nadam      {training.SAVED_RUN} (2 epochs)")
    assert f"val_loss {first.history['val_loss'][-1]:.4f}" in shown[0]
    other = training.train("nadam", data=small_data, epochs=2, cache=True, learning_rate=0.002)
    assert other.cached is False and other.history != first.history
    refreshed = training.train("nadam", data=small_data, epochs=2, cache="refresh")
    assert refreshed.cached is False and refreshed.history["loss"] == first.history["loss"]
    assert training.clear_cache() == 2
    with pytest.raises(ValueError, match="callbacks"):
        training.train(
            "nadam", data=small_data, epochs=1, cache=True, callbacks=[keras.callbacks.Callback()]
        )

"""The book's Fashion-MNIST MLP, built and trained reproducibly (and quickly).

    >>> from helpers import training
    >>> history = training.train("adam")            # quick mode: seconds; full mode: 10 epochs
    >>> history.history["val_accuracy"][-1], history.epoch_times

The model: Flatten(28×28) → three Dense(100, ReLU, He-normal) → Dense(10, softmax), trained
with sparse categorical cross-entropy on batches of 32. The same seed gives the same initial
weights for every optimizer and the same order of batches, so that learning curves differ only
by the optimizer.

Speed: with ``fast=True`` (the default) each epoch runs as one TensorFlow call
(``helpers.fastfit``: Keras's own training step and batch order in a TensorFlow loop), which
removes the per-batch overhead of the book's plain ``model.fit`` and gives exactly the same
numbers (a test checks it; ``make bench`` times both). Where that is not available (another
Keras backend or version), ``STEPS_PER_EXECUTION`` steps per call, with ``UNROLLED_STEPS`` of
them unrolled in each turn of TensorFlow's loop, also the same numbers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time

import numpy as np

from . import config, fastfit
from .backend import keras as _keras
from .data import atomic_write
from .fastfit import BATCH_HOOKS  # noqa: F401 - kept here, where it was
from .optimizers import Optimizer
from .optimizers import get as get_optimizer

BATCH_SIZE = 32
SAVED_RUN = "saved run, read from data/runs"  # what a notebook shows for a reused result
STEPS_PER_EXECUTION = 256
UNROLLED_STEPS = 4


def build_model(
    seed: int = config.SEED, hidden: int = 100, layers: int = 3, kernel_regularizer=None
):
    """The book's MLP, uncompiled, with initial weights drawn from ``seed``.

    kernel_regularizer: e.g. ``keras.regularizers.l2(1e-4)`` on every Dense layer's weights
    (an L2 penalty added to the loss, to compare with AdamW's decoupled weight decay).
    """
    keras = _keras()
    keras.utils.set_random_seed(seed)
    dense = [
        keras.layers.Dense(
            hidden,
            activation="relu",
            kernel_initializer="he_normal",
            kernel_regularizer=kernel_regularizer,
        )
        for _ in range(layers)
    ]
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), keras.layers.Flatten(), *dense]
        + [keras.layers.Dense(10, activation="softmax", kernel_regularizer=kernel_regularizer)],
        name="mlp",
    )


def keras_optimizer(optimizer, **hyperparameters):
    """A fresh Keras optimizer from a Keras optimizer, a reference optimizer or a course name."""
    keras = _keras()
    if isinstance(optimizer, keras.optimizers.Optimizer):
        config_ = {**optimizer.get_config(), **hyperparameters}
        return type(optimizer).from_config(config_)
    if isinstance(optimizer, str | Optimizer):
        return get_optimizer(optimizer, **hyperparameters).to_keras()
    raise TypeError(f"not an optimizer: {optimizer!r}")


class _EpochTimer:
    """Records the wall time of each epoch (created lazily to subclass keras's Callback)."""

    def __new__(cls):
        keras = _keras()

        class EpochTimer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.times = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.times.append(time.perf_counter() - self._start)

        return EpochTimer()


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def progress_bar(label: str, epochs: int):
    """A one-line progress display for notebooks, updated in place at the end of each epoch."""
    keras = _keras()
    from IPython.display import display

    class ProgressBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._start = time.perf_counter()
            self._handle = display(self._line(0, {}), display_id=True)

        def _line(self, done, logs):
            from IPython.display import Pretty

            bar = "━" * round(20 * done / epochs) + "╌" * (20 - round(20 * done / epochs))
            shown = "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if k != "learning_rate")
            elapsed = time.perf_counter() - self._start
            return Pretty(f"{label:<10} {bar} {done}/{epochs} epochs  {shown}  ({elapsed:.0f} s)")

        def on_epoch_end(self, epoch, logs=None):
            self._handle.update(self._line(epoch + 1, logs or {}))

    return ProgressBar()


def train(
    optimizer,
    data=None,
    epochs: int | None = None,
    seed: int = config.SEED,
    batch_size: int = BATCH_SIZE,
    fast: bool = True,
    verbose: bool | None = None,
    callbacks=(),
    label: str | None = None,
    kernel_regularizer=None,
    cache: bool | str = False,
    **hyperparameters,
):
    """Compile the book's MLP with ``optimizer`` and train it; return Keras's History.

    optimizer: a Keras optimizer, a ``helpers.optimizers`` optimizer or a course name ("adam");
        ``hyperparameters`` override its settings (``train("sgd", learning_rate=0.05)``).
    data: ``((X_train, y_train), (X_valid, y_valid))``; default the course data (a small
        subset in quick mode).
    epochs: default 10, or 2 in quick mode.
    fast: run each epoch in one call into TensorFlow (``helpers.fastfit``), or where that is
        not available ``STEPS_PER_EXECUTION`` steps per call; the same results as plain
        ``fit`` either way. A callback with a per-batch hook (such as ``schedules.OneCycle``)
        needs every batch to return to Python: with one, training runs as plain ``fit``.
    verbose: a progress line in notebooks (default), nothing elsewhere.
    kernel_regularizer: passed to ``build_model`` (e.g. an L2 penalty).
    cache: True to reuse a saved result of a run with exactly the same settings (optimizer and
        all its hyperparameters, data, epochs, seed, batch size, regularizer, Keras version),
        saved under ``data/runs/``; "refresh" to train again and overwrite it. A cached result
        has no ``.model``. Not available with extra callbacks (they could change the result).

    The History has ``.history`` (loss, accuracy, val_loss, val_accuracy per epoch),
    ``.epoch_times`` (seconds per epoch) and ``.optimizer_config``.
    """
    keras = _keras()
    if data is None:
        from .data import course_data

        train_pair, valid_pair, _ = course_data()
        data = (train_pair, valid_pair)
    (X_train, y_train), (X_valid, y_valid) = data
    epochs = config.epochs() if epochs is None else int(epochs)
    keras_opt = keras_optimizer(optimizer, **hyperparameters)
    key = None
    if cache:
        if callbacks:
            raise ValueError("cache=True cannot tell what extra callbacks do: train without cache")
        spec = _run_spec(keras_opt, data, epochs, seed, batch_size, kernel_regularizer)
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[
            :20
        ]
        if cache != "refresh":
            found = _read_cached(key)
            if found is not None:
                if _in_notebook() if verbose is None else verbose:
                    from IPython.display import Pretty, display

                    name = label or (
                        optimizer if isinstance(optimizer, str) else found.spec["optimizer"]
                    )
                    shown = "  ".join(f"{k} {v[-1]:.4f}" for k, v in found.history.items())
                    display(Pretty(f"{name:<10} {SAVED_RUN} ({len(found.epoch)} epochs)  {shown}"))
                return found
    model = build_model(seed, kernel_regularizer=kernel_regularizer)
    timer = _EpochTimer()
    shown = [timer, *callbacks]
    if verbose is None:
        verbose = _in_notebook()
    if verbose:
        name = label or (optimizer if isinstance(optimizer, str) else type(keras_opt).__name__)
        shown.append(progress_bar(str(name), epochs))
    fast = fast and fastfit.supports_callbacks(shown)  # decided before compiling: see below
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras_opt,
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_EXECUTION if fast else 1,
    )
    if fast and hasattr(model, "unrolled_steps_per_execution"):  # TensorFlow backend
        model.unrolled_steps_per_execution = UNROLLED_STEPS
    keras.utils.set_random_seed(seed)  # the same batch order for every optimizer
    fit = model.fit
    if fast and fastfit.supported(model):  # each epoch in one call; the same numbers
        fit = functools.partial(fastfit.fit, model)
    history = fit(
        np.asarray(X_train),
        np.asarray(y_train),
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(np.asarray(X_valid), np.asarray(y_valid)),
        callbacks=shown,
        verbose=0,
    )
    history.epoch_times = list(timer.times)
    history.optimizer_config = keras_opt.get_config()
    history.cached = False
    if key is not None:
        _write_cached(key, spec, history)
    return history


# --------------------------------------------------------------------------------------------
# The results cache


class CachedHistory:
    """A training result read back from ``data/runs/``: like Keras's History, without a model."""

    def __init__(self, record: dict):
        self.history = record["history"]
        self.epoch = list(range(len(next(iter(self.history.values())))))
        self.epoch_times = record["epoch_times"]
        self.optimizer_config = record["optimizer_config"]
        self.spec = record["spec"]
        self.model = None
        self.cached = True


def runs_dir():
    """Where cached training results live (``data/runs/`` in a checkout)."""
    return config.cache_dir() / "runs"


def _fingerprint(X, y) -> str:
    X, y = np.asarray(X), np.asarray(y)
    digest = hashlib.sha256(str((X.shape, X.dtype.str, y.shape)).encode())
    digest.update(np.ascontiguousarray(y).tobytes())
    digest.update(np.ascontiguousarray(X.reshape(len(X), -1)[:, ::7]).tobytes())
    return digest.hexdigest()[:20]


def _run_spec(keras_opt, data, epochs, seed, batch_size, kernel_regularizer) -> dict:
    keras = _keras()
    settings = keras_opt.get_config()
    settings.pop("name", None)
    (X_train, y_train), (X_valid, y_valid) = data
    return {
        "optimizer": type(keras_opt).__name__,
        "settings": settings,
        "epochs": epochs,
        "seed": seed,
        "batch_size": batch_size,
        "regularizer": keras.regularizers.serialize(kernel_regularizer)
        if kernel_regularizer
        else None,
        "train": _fingerprint(X_train, y_train),
        "valid": _fingerprint(X_valid, y_valid),
        "model": "Flatten-Dense(100 relu he_normal)x3-Dense(10 softmax)",
        "keras": keras.__version__,
    }


def _read_cached(key: str) -> CachedHistory | None:
    path = runs_dir() / f"{key}.json"
    try:
        return CachedHistory(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, StopIteration):
        return None


def _write_cached(key: str, spec: dict, history) -> None:
    record = {
        "spec": spec,
        "history": {k: [float(v) for v in values] for k, values in history.history.items()},
        "epoch_times": history.epoch_times,
        "optimizer_config": json.loads(json.dumps(history.optimizer_config, default=str)),
    }
    try:
        atomic_write(runs_dir() / f"{key}.json", json.dumps(record, indent=1).encode())
    except OSError:
        pass  # a read-only checkout: the result is simply not kept


def clear_cache() -> int:
    """Delete every cached training result; returns how many there were."""
    removed = 0
    for path in runs_dir().glob("*.json"):
        path.unlink()
        removed += 1
    return removed


def compare(
    optimizers: dict, data=None, epochs: int | None = None, seed: int = config.SEED, **kwargs
):
    """Train the MLP once per optimizer, from the same initial weights and batch order.

    optimizers: {label: optimizer} (Keras optimizers, reference optimizers or course names).
    Returns {label: History}.
    """
    return {
        label: train(optimizer, data=data, epochs=epochs, seed=seed, label=label, **kwargs)
        for label, optimizer in optimizers.items()
    }


def sweep(optimizer, learning_rates, data=None, epochs: int | None = None, **kwargs):
    """Train once per learning rate (same weights, same batches): {learning rate: History}."""
    return {
        float(lr): train(
            optimizer,
            data=data,
            epochs=epochs,
            label=f"η={lr:g}",
            learning_rate=float(lr),
            **kwargs,
        )
        for lr in learning_rates
    }


def best(history, metric: str = "val_loss") -> float:
    """The best value of a metric over the epochs (lowest loss, highest accuracy); NaN-safe."""
    values = np.asarray(history.history[metric], dtype=float)
    if np.isnan(values).all():
        return float("nan")
    return float(np.nanmax(values) if "accuracy" in metric else np.nanmin(values))


def best_epoch(history, metric: str = "val_loss") -> tuple[int, float]:
    """The epoch (from 1) with the lowest value of a loss metric, and that value."""
    losses = np.asarray(history.history[metric], dtype=float)
    k = int(np.nanargmin(losses))
    return k + 1, float(losses[k])


def accuracy_at_best(history) -> float:
    """The validation accuracy at the epoch of the lowest validation loss."""
    return float(history.history["val_accuracy"][best_epoch(history)[0] - 1])


def final_loss(history, metric: str = "loss") -> float:
    """The last epoch's loss; inf for a run whose loss is no longer a finite number."""
    value = float(history.history[metric][-1])
    return value if np.isfinite(value) else np.inf

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

import dataclasses
import functools
import hashlib
import json
import os
import time

import numpy as np

from . import config, fastfit
from .backend import keras as _keras
from .data import atomic_write
from .fastfit import BATCH_HOOKS  # noqa: F401 - kept here, where it was
from .mlp import build_model
from .optimizers import Optimizer
from .optimizers import get as get_optimizer

BATCH_SIZE = 32
SAVED_RUN = "saved run, read from data/runs"  # what a notebook shows for a reused result
STEPS_PER_EXECUTION = 256
UNROLLED_STEPS = 4


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


_NO_CACHE = "cache=True cannot tell what extra callbacks or a measure do: train without cache"


class _Measure:
    """A callback that adds ``measure(model.get_weights())`` to each epoch's logs, or with a
    parameter ``state``, ``measure(weights, state=keras_state(model))`` (created lazily to
    subclass Keras's Callback)."""

    def __new__(cls, measure):
        from .batched import takes_state

        keras = _keras()
        with_state = takes_state(measure)

        class Measure(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                weights = self.model.get_weights()
                taken = measure(weights, state=keras_state(self.model)) if with_state else (
                    measure(weights))  # fmt: skip
                logs.update({k: float(v) for k, v in taken.items()})

        return Measure()


def keras_state(model) -> dict[str, list[np.ndarray]]:
    """The state of a compiled model's optimizer, as ``helpers.batched`` gives it: {slot: one
    array per weight, in the order of ``model.get_weights()``}. Keras names a slot variable
    after its weight's path and the slot ("sequential_dense_kernel_accumulator")."""
    weights = model.trainable_variables
    prefixes = [w.path.replace("/", "_") + "_" for w in weights]
    state: dict[str, list] = {}
    for variable in model.optimizer.variables:
        for j, prefix in enumerate(prefixes):
            if variable.name.startswith(prefix):
                slot = state.setdefault(variable.name[len(prefix) :], [None] * len(weights))
                slot[j] = variable.value.numpy()  # TensorFlow: without NumPy 2's copy warning
    return state


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
    batch_seed: int | None = None,
    measure=None,
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
    batch_seed: the seed of the order of batches; by default ``seed`` (which also draws the
        initial weights).
    cache: True to reuse a saved result of a run with exactly the same settings (optimizer and
        all its hyperparameters, data, epochs, seed, batch size, regularizer, Keras version),
        saved under ``data/runs/``; "refresh" to train again and overwrite it. A cached result
        has no ``.model``. Not available with extra callbacks (they could change the result).
    measure: ``measure(weights) → {name: number}``, called after every epoch with the model's
        weights (``model.get_weights()``); its numbers join the history. Say, the
        cross-entropy without the L2 penalty (``helpers.mlp.cross_entropy``). A measure with a
        parameter ``state`` also gets the optimizer's state (``keras_state``): say,
        ``lambda weights, state: {"s": np.median(state["accumulator"][0])}`` for AdaGrad.

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
        if callbacks or measure is not None:
            raise ValueError(_NO_CACHE)
        spec = _run_spec(keras_opt, data, epochs, seed, batch_size, kernel_regularizer, batch_seed)
        key = _key(spec)
        if cache != "refresh":
            found = _read_cached(key)
            if found is not None:
                if _in_notebook() if verbose is None else verbose:
                    name = label or (
                        optimizer if isinstance(optimizer, str) else found.spec["optimizer"]
                    )
                    _show_saved(name, found)
                return found
    model = build_model(seed, kernel_regularizer=kernel_regularizer)
    timer = _EpochTimer()
    shown = [timer, *callbacks] + ([_Measure(measure)] if measure is not None else [])
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
    # the same batch order for every optimizer
    keras.utils.set_random_seed(seed if batch_seed is None else batch_seed)
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


def _key(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _show_saved(name, found) -> None:
    from IPython.display import Pretty, display

    shown = "  ".join(f"{k} {v[-1]:.4f}" for k, v in found.history.items())
    display(Pretty(f"{name:<10} {SAVED_RUN} ({len(found.epoch)} epochs)  {shown}"))


def _run_spec(
    keras_opt, data, epochs, seed, batch_size, kernel_regularizer, batch_seed=None
) -> dict:
    keras = _keras()
    settings = keras_opt.get_config()
    settings.pop("name", None)
    (X_train, y_train), (X_valid, y_valid) = data
    extra = {} if batch_seed is None or batch_seed == seed else {"batch_seed": batch_seed}
    return extra | {
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


def _note(action: str, key: str) -> None:
    """A saved run read or written, noted in the file that ``config.RUNS_LOG_ENV`` names."""
    log = os.environ.get(config.RUNS_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{action} {key}\n")


def _read_cached(key: str) -> CachedHistory | None:
    path = runs_dir() / f"{key}.json"
    try:
        found = CachedHistory(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    _note("read", key)
    return found


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
        return  # a read-only checkout: the result is simply not kept
    _note("wrote", key)


def clear_cache() -> int:
    """Delete every cached training result; returns how many there were."""
    removed = 0
    for path in runs_dir().glob("*.json"):
        path.unlink()
        removed += 1
    return removed


class SweptHistory:
    """One run of a sweep, trained together with the others (``helpers.batched``): like Keras's
    History. ``epoch_times`` are the times of the whole sweep's epochs (``shared_with`` runs);
    ``model`` is built from the final weights on first use."""

    def __init__(self, result, keras_opt, seed, kernel_regularizer, shared_with):
        self.history = result.history
        self.epoch = list(range(len(result.history["loss"])))
        self.epoch_times = result.epoch_times
        self.optimizer_config = keras_opt.get_config()
        self.cached = False
        self.shared_with = shared_with
        self._weights, self._rebuild = result.weights, (keras_opt, seed, kernel_regularizer)
        self._model = None

    @property
    def model(self):
        if self._model is None:
            keras_opt, seed, kernel_regularizer = self._rebuild
            model = build_model(seed, kernel_regularizer=kernel_regularizer)
            model.set_weights(self._weights)
            model.compile(
                loss="sparse_categorical_crossentropy",
                optimizer=keras_optimizer(keras_opt),
                metrics=["accuracy"],
            )
            self._model = model
        return self._model


def _reference(optimizer, hyperparameters: dict) -> Optimizer | None:
    """The ``helpers.optimizers`` optimizer that trains as ``optimizer`` does, or None where
    there is none (a Keras optimizer with clipping, EMA, …). With a learning rate schedule
    (``_schedule``), its learning rate is the schedule's first. Unknown names and
    hyperparameters out of range raise their ValueError here, before any training."""
    keras = _keras()
    if isinstance(optimizer, str | Optimizer):
        return get_optimizer(optimizer, **hyperparameters)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"not an optimizer: {optimizer!r}")
    settings = {**optimizer.get_config(), **hyperparameters}
    settings.pop("name", None)
    plain = {"clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False}
    plain |= {"loss_scale_factor": None, "gradient_accumulation_steps": None}
    if any(settings.get(k, v) != v for k, v in plain.items()):
        return None
    from . import optimizers

    rule = getattr(optimizers, type(optimizer).__name__, None)
    if rule is None or rule.keras_name != type(optimizer).__name__:
        return None
    fields = {f.name for f in dataclasses.fields(rule)}
    known = {k: v for k, v in settings.items() if k in fields}
    schedule = _schedule(optimizer, hyperparameters)
    if schedule is not None:
        known["learning_rate"] = float(keras.ops.convert_to_numpy(schedule(0)))
    if not all(isinstance(v, int | float | bool | type(None)) for v in known.values()):
        return None
    return rule(**known)


def _schedule(optimizer, hyperparameters: dict):
    """The learning rate schedule of a Keras optimizer (None for a constant rate, or where
    ``hyperparameters`` gives the rate)."""
    keras = _keras()
    rate = getattr(optimizer, "_learning_rate", None)
    if "learning_rate" in hyperparameters or not isinstance(
        rate, keras.optimizers.schedules.LearningRateSchedule
    ):
        return None
    return rate


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """One run of ``train_many``, read and checked before any training."""

    run: dict
    hyperparameters: dict
    seed: int
    batch_seed: int | None
    regularizer: object
    keras_opt: object
    spec: dict
    reference: Optimizer | None  # None: no reference rule, so trained alone
    schedule: object  # a Keras learning rate schedule, or None

    def batched_run(self, plateau=None):
        """The run as ``helpers.batched`` trains it (its L2 factor checked here), with a
        ``batched.Plateau`` if given."""
        from . import batched

        l2 = batched._l2_factor(self.regularizer)
        return batched.Run(self.reference, self.seed, self.batch_seed, l2, self.schedule, plateau)


def _plateau(callbacks):
    """A ``batched.Plateau`` where the callbacks are one ``ReduceLROnPlateau`` (the one callback
    that batched training knows), else None."""
    from . import batched

    keras = _keras()
    if len(callbacks) == 1 and type(callbacks[0]) is keras.callbacks.ReduceLROnPlateau:
        return batched.Plateau.of(callbacks[0])
    return None


def train_many(
    runs: list[dict],
    data=None,
    epochs: int | None = None,
    batch_size: int = BATCH_SIZE,
    kernel_regularizer=None,
    cache: bool | str = False,
    verbose: bool | None = None,
    label: str = "sweep",
    callbacks=(),
    fast: bool = True,
    measure=None,
) -> list:
    """Train several runs of the book's MLP, together in one TensorFlow program where they can
    be (``helpers.batched``); one History per run, in order, each the one that ``train`` would
    give the run alone (to float32 rounding: see ``helpers.batched``).

    runs: dicts with ``optimizer`` (a course name, a reference or a Keras optimizer) and
    optionally ``seed``, ``batch_seed``, ``label``, ``hyperparameters`` (a dict) and
    ``kernel_regularizer`` (the run's own, instead of the argument's). measure: as in
    ``train``, for every run.
    With callbacks (but a lone ``ReduceLROnPlateau``, which every run applies on its own),
    ``fast=False``, a Keras optimizer that has no reference rule (clipping, EMA, …), another
    Keras backend or ``FASTER_OPTIMIZERS_ALONE=1``, the runs are trained one after the other.
    Bad settings raise their error before any training starts.
    """
    from . import batched

    keras = _keras()
    if data is None:
        from .data import course_data

        train_pair, valid_pair, _ = course_data()
        data = (train_pair, valid_pair)
    epochs = config.epochs() if epochs is None else int(epochs)
    if cache and (callbacks or measure is not None):
        raise ValueError(_NO_CACHE)
    prepared = []
    for run in runs:
        hyperparameters = dict(run.get("hyperparameters", {}))
        seed = int(run.get("seed", config.SEED))
        batch_seed = run.get("batch_seed")
        regularizer = run.get("kernel_regularizer", kernel_regularizer)
        keras_opt = keras_optimizer(run["optimizer"], **hyperparameters)
        spec = _run_spec(keras_opt, data, epochs, seed, batch_size, regularizer, batch_seed)
        prepared.append(_Prepared(
            run, hyperparameters, seed, batch_seed, regularizer, keras_opt, spec,
            _reference(run["optimizer"], hyperparameters),
            _schedule(run["optimizer"], hyperparameters),
        ))  # fmt: skip
    plateau = _plateau(callbacks)
    batchable = (
        fast
        and not config.alone()
        and (not callbacks or plateau is not None)
        and keras.backend.backend() == "tensorflow"
        and all(p.reference is not None for p in prepared)
    )
    if batchable:  # the data's shapes and the penalties, before any training
        batched.check([p.batched_run(plateau) for p in prepared], data, epochs, batch_size)
    show = _in_notebook() if verbose is None else verbose
    results = [None] * len(prepared)
    todo = []
    for i, p in enumerate(prepared):
        found = _read_cached(_key(p.spec)) if cache and cache != "refresh" else None
        if found is not None:
            if show:
                _show_saved(p.run.get("label", p.keras_opt.name), found)
            results[i] = found
        else:
            todo.append(i)
    if not batchable:
        for i in todo:
            p = prepared[i]
            results[i] = train(
                p.run["optimizer"], data=data, epochs=epochs, seed=p.seed, batch_size=batch_size,
                fast=fast, verbose=verbose, callbacks=callbacks, label=p.run.get("label"),
                kernel_regularizer=p.regularizer, cache=cache, batch_seed=p.batch_seed,
                measure=measure, **p.hyperparameters,
            )  # fmt: skip
        return results
    if todo:
        bar = progress_bar(f"{label} ×{len(todo)}", epochs) if show else None
        if bar is not None:
            bar.on_train_begin()

        def on_epoch_end(epoch, logs):
            if bar is not None:
                best = min(log["val_loss"] for log in logs)
                bar.on_epoch_end(epoch, {"best val_loss": best})

        trained = batched.fit(
            [prepared[i].batched_run(plateau) for i in todo], data, epochs, batch_size,
            on_epoch_end=on_epoch_end, measure=measure,
        )  # fmt: skip
        for i, result in zip(todo, trained):
            p = prepared[i]
            history = SweptHistory(result, p.keras_opt, p.seed, p.regularizer, len(todo))
            if cache:
                _write_cached(_key(p.spec), p.spec, history)
            results[i] = history
    return results


def _seeded(runs: dict, seeds, batch_seed) -> tuple[list, list]:
    """Each run once per seed: the keys ((key, seed) pairs) and the run dicts."""
    keys, specs = [], []
    for key, run in runs.items():
        for seed in seeds:
            keys.append((key, seed))
            specs.append({**run, "seed": seed, "batch_seed": batch_seed})
    return keys, specs


def compare(
    optimizers: dict,
    data=None,
    epochs: int | None = None,
    seed: int = config.SEED,
    seeds=None,
    batch_seed: int | None = None,
    **kwargs,
):
    """Train the MLP once per optimizer, from the same initial weights and batch order, all
    together (``train_many``).

    optimizers: {label: optimizer} (Keras optimizers, reference optimizers or course names).
    Returns {label: History}. With ``seeds`` (say ``(42, 43, 44)``), each optimizer is trained
    from each seed's initial weights and batch order (or ``batch_seed``'s order, for all):
    {label: {seed: History}}. Other keywords go to ``train_many`` (cache, verbose, …) or are
    hyperparameters of every optimizer (``learning_rate=0.01``).
    """
    options, hyperparameters = _split(kwargs)
    runs = {
        label: {"optimizer": opt, "label": label, "hyperparameters": hyperparameters}
        for label, opt in optimizers.items()
    }
    keys, specs = _seeded(runs, [seed] if seeds is None else list(seeds), batch_seed)
    histories = train_many(specs, data=data, epochs=epochs, label="compare", **options)
    return _nest(keys, histories, seeds is None)


def sweep(
    optimizer,
    learning_rates,
    data=None,
    epochs: int | None = None,
    seed: int = config.SEED,
    seeds=None,
    batch_seed: int | None = None,
    **kwargs,
):
    """Train once per learning rate (same weights, same batches), all together:
    {learning rate: History}; with ``seeds``, {learning rate: {seed: History}} (as in
    ``compare``). Other keywords as in ``compare``."""
    options, hyperparameters = _split(kwargs)
    runs = {
        float(lr): {
            "optimizer": optimizer,
            "label": f"η={float(lr):g}",
            "hyperparameters": {**hyperparameters, "learning_rate": float(lr)},
        }
        for lr in learning_rates
    }
    keys, specs = _seeded(runs, [seed] if seeds is None else list(seeds), batch_seed)
    label = optimizer if isinstance(optimizer, str) else type(optimizer).__name__
    histories = train_many(specs, data=data, epochs=epochs, label=label, **options)
    return _nest(keys, histories, seeds is None)


_OPTIONS = (
    "batch_size", "kernel_regularizer", "cache", "verbose", "callbacks", "fast", "measure",
)  # fmt: skip


def _split(kwargs: dict) -> tuple[dict, dict]:
    """Keywords of ``train_many``, and the rest: hyperparameters."""
    options = {k: v for k, v in kwargs.items() if k in _OPTIONS}
    return options, {k: v for k, v in kwargs.items() if k not in _OPTIONS}


def _nest(keys, histories, single_seed: bool) -> dict:
    nested: dict = {}
    for (key, seed), history in zip(keys, histories):
        if single_seed:
            nested[key] = history
        else:
            nested.setdefault(key, {})[seed] = history
    return nested


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

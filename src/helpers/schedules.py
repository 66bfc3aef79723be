"""Learning rate schedules: the book's formulas in NumPy, the Keras way to do each, and tools.

Each schedule gives the learning rate η(t) at step t = 0, 1, 2, … (Keras evaluates its schedule
at ``optimizer.iterations``, the number of steps already taken, so step t + 1 uses η(t)):

- power:       η(t) = η0 / (1 + t/s)^c              (Keras: ``PowerDecay`` here; for c = 1,
                                                      ``keras.optimizers.schedules.InverseTimeDecay``)
- exponential: η(t) = η0 · 0.1^(t/s)                 (``ExponentialDecay(η0, s, 0.1)``)
- piecewise:   η(t) = values[i] between boundaries   (``PiecewiseConstantDecay``)
- 1cycle:      up linearly from η0 to η1 for half the cycle, down to η0 for the other half, then
               down to η0/1000 over the last steps (``OneCycle`` callback here, as in the book)
- performance scheduling: divide η by a factor when the validation loss stops improving
               (``keras.callbacks.ReduceLROnPlateau``)

``learning_rate_finder`` trains with η growing exponentially over a few hundred steps and returns
the loss against η (pick a rate somewhat lower than where the loss turns up).
"""

from __future__ import annotations

import numpy as np

from . import config, portable
from .backend import keras as _keras


def constant(step, initial_learning_rate):
    """η(t) = η0."""
    return np.full(np.shape(step), float(initial_learning_rate))


def power(step, initial_learning_rate, steps, power=1.0):
    """Power scheduling: η(t) = η0 / (1 + t/s)^c."""
    base = 1 + np.asarray(step, dtype=float) / steps
    return initial_learning_rate / portable.power(base, power)  # np.power differs by CPU


def exponential(step, initial_learning_rate, steps, rate=0.1):
    """Exponential scheduling: η(t) = η0 · rate^(t/s) (the book uses rate = 0.1)."""
    return initial_learning_rate * portable.power(rate, np.asarray(step, dtype=float) / steps)


def piecewise(step, boundaries, values):
    """Piecewise constant: values[0] for t ≤ boundaries[0], values[i] for boundaries[i-1] < t ≤
    boundaries[i], values[-1] after the last boundary (Keras's PiecewiseConstantDecay)."""
    step = np.asarray(step)
    index = np.searchsorted(np.asarray(boundaries), step, side="left")
    return np.asarray(values, dtype=float)[index]


def one_cycle(step, total_steps, max_rate, start_rate=None, last_rate=None, last_fraction=0.1):
    """1cycle (Smith 2018), as in the book: η rises linearly from ``start_rate`` (default
    max_rate/10) to ``max_rate`` over the first half of the cycle, falls back over the second
    half, then falls linearly to ``last_rate`` (default start_rate/1000) over the last
    ``last_fraction`` of the steps."""
    start_rate = max_rate / 10 if start_rate is None else start_rate
    last_rate = start_rate / 1000 if last_rate is None else last_rate
    step = np.asarray(step, dtype=float)
    half = int(total_steps * (1 - last_fraction)) // 2
    up = start_rate + (max_rate - start_rate) * step / half
    down = max_rate + (start_rate - max_rate) * (step - half) / half
    tail = start_rate + (last_rate - start_rate) * (step - 2 * half) / max(
        total_steps - 1 - 2 * half, 1
    )
    return np.where(step < half, up, np.where(step < 2 * half, down, np.maximum(tail, last_rate)))


FORMULAS = {
    "constant": constant,
    "power": power,
    "exponential": exponential,
    "piecewise": piecewise,
    "1cycle": one_cycle,
}


def evaluate(kind: str, t, **parameters) -> np.ndarray:
    """η(t) at the steps ``t`` for the schedule ``kind`` ("constant", "power", "exponential",
    "piecewise", "1cycle") with its ``parameters``."""
    try:
        formula = FORMULAS[kind]
    except KeyError:
        raise ValueError(f"unknown schedule {kind!r}; choose from {', '.join(FORMULAS)}") from None
    return formula(np.asarray(t), **parameters)


# --------------------------------------------------------------------------------------------
# Keras


def _power_decay_class():
    keras = _keras()

    @keras.saving.register_keras_serializable(package="faster_optimizers")
    class PowerDecay(keras.optimizers.schedules.LearningRateSchedule):
        """Power scheduling η0 / (1 + t/s)^c as a Keras schedule."""

        def __init__(self, initial_learning_rate, decay_steps, power=1.0):
            self.initial_learning_rate = float(initial_learning_rate)
            self.decay_steps = float(decay_steps)
            self.power = float(power)

        def __call__(self, step):
            ops = keras.ops
            t = ops.cast(step, "float32")
            base = 1.0 + t / self.decay_steps
            return self.initial_learning_rate / ops.power(base, self.power)

        def get_config(self):
            return {
                "initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps,
                "power": self.power,
            }

    return PowerDecay


_CLASSES: dict = {}


def PowerDecay(initial_learning_rate, decay_steps, power=1.0):  # noqa: N802 - a class, made lazily
    """Keras schedule for power scheduling, η0 / (1 + t/s)^c."""
    if "PowerDecay" not in _CLASSES:
        _CLASSES["PowerDecay"] = _power_decay_class()
    return _CLASSES["PowerDecay"](initial_learning_rate, decay_steps, power)


def keras_schedule(kind: str, **parameters):
    """The Keras schedule for a formula above (1cycle is a callback: see ``OneCycle``)."""
    keras = _keras()
    schedules = keras.optimizers.schedules
    if kind == "power":
        return PowerDecay(
            parameters["initial_learning_rate"], parameters["steps"], parameters.get("power", 1.0)
        )
    if kind == "exponential":
        return schedules.ExponentialDecay(
            parameters["initial_learning_rate"], parameters["steps"], parameters.get("rate", 0.1)
        )
    if kind == "piecewise":
        return schedules.PiecewiseConstantDecay(
            list(parameters["boundaries"]), list(parameters["values"])
        )
    raise ValueError(f"no Keras schedule for {kind!r} (1cycle: use schedules.OneCycle)")


def OneCycle(total_steps, max_rate, start_rate=None, last_rate=None, last_fraction=0.1):  # noqa: N802
    """A Keras callback that sets the learning rate of every batch by the 1cycle formula."""
    keras = _keras()

    class OneCycleCallback(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.step = 0
            self.rates = []

        def on_train_batch_begin(self, batch, logs=None):
            rate = float(
                one_cycle(self.step, total_steps, max_rate, start_rate, last_rate, last_fraction)
            )
            self.model.optimizer.learning_rate = rate
            self.rates.append(rate)
            self.step += 1

    return OneCycleCallback()


def learning_rate_finder(
    optimizer="gd",
    data=None,
    min_rate: float = 1e-5,
    max_rate: float = 10.0,
    steps: int = 500,
    seed: int = config.SEED,
    batch_size: int = 32,
):
    """Train the book's MLP for ``steps`` batches with η growing exponentially from
    ``min_rate`` to ``max_rate``; return (rates, losses), the loss of each batch.

    As in the book: the loss first falls, then shoots up once η is too large; a good η is about
    ten times lower than where it turns up. Training stops early if the loss becomes NaN.
    """
    from .training import build_model, keras_optimizer

    keras = _keras()
    if data is None:
        from .data import course_data

        train_pair, valid_pair, _ = course_data()
        data = (train_pair, valid_pair)
    (X_train, y_train), _ = data
    factor = (max_rate / min_rate) ** (1 / steps)
    rates, losses = [], []

    class Exponential(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.previous_mean, self.seen = 0.0, 0

        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate = min_rate * factor ** len(rates)

        def on_train_batch_end(self, batch, logs=None):
            rates.append(min_rate * factor ** len(rates))
            # Keras reports the running mean over the epoch so far; undo it to get this
            # batch's own loss: n·mean_n − (n − 1)·mean_(n−1).
            mean = float(logs["loss"])
            self.seen += 1
            losses.append(self.seen * mean - (self.seen - 1) * self.previous_mean)
            self.previous_mean = mean
            if not np.isfinite(mean) or len(rates) >= steps:
                self.model.stop_training = True

    model = build_model(seed)
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras_optimizer(optimizer, learning_rate=min_rate),
    )
    keras.utils.set_random_seed(seed)
    epochs = int(np.ceil(steps * batch_size / len(X_train)))
    model.fit(
        X_train, y_train, epochs=epochs, batch_size=batch_size, callbacks=[Exponential()], verbose=0
    )
    return np.array(rates), np.array(losses)

"""Learning rate schedules: the book's formulas in NumPy, the Keras way to do each, and tools.

Each schedule gives the learning rate η(t) at step t = 0, 1, 2, … (Keras evaluates its schedule
at ``optimizer.iterations``, the number of steps already taken, so step t + 1 uses η(t)):

- power:       η(t) = η0 / (1 + t/s)^c              (Keras: ``PowerDecay`` here; for c = 1,
                                                      ``keras.optimizers.schedules.InverseTimeDecay``)
- exponential: η(t) = η0 · 0.1^(t/s)                 (``ExponentialDecay(η0, s, 0.1)``)
- piecewise:   η(t) = values[i] between boundaries   (``PiecewiseConstantDecay``)
- 1cycle:      up linearly from η0 to η1 for half the cycle, down to η0 for the other half, then
               down to η0/1000 over the last steps (``OneCycle`` callback here, as in the book,
               or the same rates as a schedule, ``OneCycleSchedule``)
- performance scheduling: divide η by a factor when the validation loss stops improving
               (``keras.callbacks.ReduceLROnPlateau``)

The formulas are NumPy only (the explorer and ``trajectories.run`` use them); the Keras classes
``PowerDecay`` and ``OneCycle`` are made on first use, so that importing this module does not
import Keras. ``learning_rate_finder`` (in ``helpers.lr_finder``, also reachable here) trains
with η growing exponentially over a few hundred steps and returns the loss against η.
"""

from __future__ import annotations

import functools

import numpy as np

from . import portable
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
# Keras: PowerDecay (a schedule) and OneCycle (a callback), classes made on first use


@functools.cache
def _keras_classes() -> dict:
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

    class OneCycle(keras.callbacks.Callback):
        """A Keras callback that sets the learning rate of every batch by the 1cycle formula
        (``one_cycle``); ``.rates`` lists the rates it set."""

        def __init__(
            self, total_steps, max_rate, start_rate=None, last_rate=None, last_fraction=0.1
        ):
            super().__init__()
            self.cycle = (total_steps, max_rate, start_rate, last_rate, last_fraction)
            self.step = 0
            self.rates = []

        def on_train_batch_begin(self, batch, logs=None):
            rate = float(one_cycle(self.step, *self.cycle))
            self.model.optimizer.learning_rate = rate
            self.rates.append(rate)
            self.step += 1

    @keras.saving.register_keras_serializable(package="faster_optimizers")
    class OneCycleSchedule(keras.optimizers.schedules.LearningRateSchedule):
        """1cycle (``one_cycle``) as a Keras schedule: the rates the ``OneCycle`` callback
        sets, to float32 rounding, without a return to Python at every batch (so that runs
        with it can be trained together, ``helpers.batched``)."""

        def __init__(
            self, total_steps, max_rate, start_rate=None, last_rate=None, last_fraction=0.1
        ):
            self.total_steps, self.max_rate = int(total_steps), float(max_rate)
            self.start_rate = self.max_rate / 10 if start_rate is None else float(start_rate)
            self.last_rate = self.start_rate / 1000 if last_rate is None else float(last_rate)
            self.last_fraction = float(last_fraction)

        def __call__(self, step):
            ops = keras.ops
            t = ops.cast(step, "float64")
            half = int(self.total_steps * (1 - self.last_fraction)) // 2
            low, high, last = self.start_rate, self.max_rate, self.last_rate
            up = low + (high - low) * t / half
            down = high + (low - high) * (t - half) / half
            tail = low + (last - low) * (t - 2 * half) / max(self.total_steps - 1 - 2 * half, 1)
            rate = ops.where(t < half, up, ops.where(t < 2 * half, down, ops.maximum(tail, last)))
            return ops.cast(rate, "float32")

        def get_config(self):
            return {
                "total_steps": self.total_steps,
                "max_rate": self.max_rate,
                "start_rate": self.start_rate,
                "last_rate": self.last_rate,
                "last_fraction": self.last_fraction,
            }

    return {"PowerDecay": PowerDecay, "OneCycle": OneCycle, "OneCycleSchedule": OneCycleSchedule}


def keras_schedule(kind: str, **parameters):
    """The Keras schedule for a formula above. For 1cycle, the book uses a callback
    (``OneCycle``); this schedule (``OneCycleSchedule``) sets the same rates."""
    keras = _keras()
    schedules = keras.optimizers.schedules
    if kind == "power":
        return _keras_classes()["PowerDecay"](
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
    if kind == "1cycle":
        return _keras_classes()["OneCycleSchedule"](**parameters)
    raise ValueError(
        f"no Keras schedule for {kind!r}; choose from power, exponential, piecewise, 1cycle"
    )


def __getattr__(name: str):
    if name in ("PowerDecay", "OneCycle", "OneCycleSchedule"):
        return _keras_classes()[name]
    if name == "learning_rate_finder":
        from .lr_finder import learning_rate_finder

        return learning_rate_finder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

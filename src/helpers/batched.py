"""Many copies of the book's MLP trained at once, in one TensorFlow program.

A sweep trains the same small network again and again: another η, another seed, another
optimizer. One run of batch 32 through layers of 100 units keeps neither a CPU's vector units
nor a GPU busy, so here k runs are trained together:

* their weights are stacked along a leading *run axis* (a kernel of shape 784 × 100 becomes
  k × 784 × 100), and every layer is one batched matmul over the runs;
* each run sees the batches it would see alone, in the same order: the order that
  ``model.fit`` draws after ``keras.utils.set_random_seed(batch_seed)``. The runs of one batch
  seed are trained by one program (split in one per core, run side by side in threads), where
  they share each batch and the first layer is one wide matmul;
* the update rules are those of ``helpers.optimizers``, the same code that runs in NumPy,
  applied to tensors through ``keras.ops``: hyperparameters are arrays over the runs, shaped to
  broadcast against the stacked weights. Runs whose rules differ (Adam and SGD, say) are
  updated group by group;
* programs that differ only in their runs' seeds (a seed sweep) share one traced and compiled
  epoch, each running it on its own variables: compiling is done once, not once per seed.

``tests/test_batched.py`` checks the update rules against ``keras.optimizers`` step for step on
the MLP's real gradients, and whole runs against ``helpers.training.train``. Everything is
TensorFlow operations, so the same code runs on a GPU where one is present.

How close a run of a batch stays to the same run alone: to float32 rounding (the batched
matmuls add in another order than Keras's Dense layers, XLA's kernels differ in the last bit)
until, in some batch, one example's pre-activation of one ReLU unit lies within that rounding
of 0. One side counts the unit as active, the other not, so that example's gradient through it
differs; the weights part (under Adam by up to η in one step, for a unit that is rarely active)
and the two runs go on as two different trainings, neither more right. On the full training
set this happens within a few hundred steps, and Keras against itself does the same: Adam
(η = 0.001) started one unit in the last place away, or with oneDNN's optimizations off, parts
from Keras at the same step as the batched run, on the same unit. ``benchmarks/divergence.py``
finds the step and the unit. The same goes for one run in two sweeps: XLA compiles other
kernels for other shapes, so a run's last bits depend on which runs share its program (a
program of one run, or one whose update rules differ, rounds some sums otherwise). A run saved
under ``data/runs`` by one notebook is therefore read back, not trained again, by the next
(``tools/run_notebooks.py`` checks that one notebook saves each run).

    >>> from helpers import batched, optimizers
    >>> runs = [batched.Run(optimizers.get("adam", learning_rate=lr)) for lr in (1e-4, 1e-3)]
    >>> results = batched.fit(runs, data, epochs=10)      # [RunResult, RunResult]
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import config
from .mlp import build_model
from .optimizers import Optimizer

LONG_TRAINING = 2000  # steps: from here on, programs are compiled with XLA and split over cores
# At most this many runs per compiled program: beyond it, a program's weights, states and
# gradients outgrow the CPU's caches and each run costs more (on a 2-core AMD EPYC, 21 runs in
# three programs of 7 took twice as long as in six of 3 or 4).
MAX_RUNS = int(os.environ.get("FASTER_OPTIMIZERS_MAX_RUNS", 4))

# The flags that change which state an update keeps or which formula it uses: runs are
# updated together only where these agree (numbers such as η or β may differ run by run).
_STRUCTURE = ("nesterov", "amsgrad", "centered")
_METRICS = ("accuracy", "loss", "val_accuracy", "val_loss")  # what a run's history holds


@dataclass(frozen=True)
class Plateau:
    """Keras's ``ReduceLROnPlateau``, for one run: after every epoch, where ``monitor`` has not
    improved by ``min_delta`` for ``patience`` epochs, the learning rate is multiplied by
    ``factor`` (not below ``min_lr``), then left alone for ``cooldown`` epochs."""

    monitor: str = "val_loss"
    factor: float = 0.1
    patience: int = 10
    min_delta: float = 1e-4
    cooldown: int = 0
    min_lr: float = 0.0
    mode: str = "auto"

    @classmethod
    def of(cls, callback) -> Plateau:
        """The settings of a ``keras.callbacks.ReduceLROnPlateau``."""
        names = ("monitor", "factor", "patience", "min_delta", "cooldown", "min_lr", "mode")
        return cls(**{name: getattr(callback, name) for name in names})

    @property
    def lower_is_better(self) -> bool:
        """As Keras decides: "min" or "max", or with "auto", a loss is to be lowered."""
        if self.mode in ("min", "max"):
            return self.mode == "min"
        return self.monitor.removeprefix("val_") == "loss"


class _PlateauRate:
    """A plateau run's learning rate: a variable read at every step (as a schedule is), and
    ``ReduceLROnPlateau``'s bookkeeping, applied after every epoch as Keras applies it."""

    def __init__(self, plateau: Plateau, rate: float):
        tf = _tf()
        self.plateau, self.best, self.wait, self.cooldown_counter = plateau, None, 0, 0
        self.rate = tf.Variable(np.float32(rate), name="plateau_rate")

    def __call__(self, step):
        return self.rate

    def after_epoch(self, logs: dict) -> float:
        """The learning rate this epoch used (Keras logs it), then Keras's reduction."""
        p, used = self.plateau, float(self.rate.numpy())
        current = float(logs[p.monitor])
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        delta = -abs(p.min_delta) if p.lower_is_better else abs(p.min_delta)
        better = np.less if p.lower_is_better else np.greater
        if self.best is None or better(current - delta, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= p.patience and used > np.float32(p.min_lr):
                self.rate.assign(np.float32(max(used * p.factor, p.min_lr)))
                self.cooldown_counter, self.wait = p.cooldown, 0
        return used


@dataclass(frozen=True)
class Run:
    """One run of a batch: a reference optimizer, the seed of its initial weights, the seed
    of its batch order (by default the same seed, as in ``helpers.training.train``) and the
    factor of an L2 penalty on its kernels (None: ``fit``'s ``kernel_regularizer``).
    schedule: a Keras learning rate schedule, evaluated at every step as Keras does (at the
    number of steps taken); it replaces the optimizer's learning rate. plateau: a
    ``Plateau`` (Keras's ``ReduceLROnPlateau``) that lowers the learning rate between epochs;
    the run's history then has the ``learning_rate`` of each epoch, as Keras's has."""

    optimizer: Optimizer
    seed: int = config.SEED
    batch_seed: int | None = None
    l2: float | None = None
    schedule: object = None
    plateau: Plateau | None = None

    @property
    def order_seed(self) -> int:
        return self.seed if self.batch_seed is None else self.batch_seed


@dataclass
class RunResult:
    """What one run of a batch gives: Keras's metric names per epoch, and the final weights."""

    history: dict
    epoch_times: list
    weights: list  # NumPy arrays in the order of ``model.get_weights()``


def check(runs: Sequence[Run], data, epochs: int, batch_size: int) -> None:
    """Raise a ValueError that says what is wrong, before any training starts."""
    if not runs:
        raise ValueError("no runs to train: give at least one")
    for run in runs:
        if not isinstance(run, Run) or not isinstance(run.optimizer, Optimizer):
            raise TypeError(f"not a batched.Run with a helpers.optimizers optimizer: {run!r}")
        if run.plateau is not None and run.schedule is not None:
            raise ValueError("a run cannot have both a learning rate schedule and a plateau rule")
        if run.plateau is not None and run.plateau.monitor not in _METRICS:
            monitor = run.plateau.monitor
            raise ValueError(f"a plateau rule monitors one of {_METRICS}; got {monitor!r}")
        for name, value in run.optimizer.hyperparameters.items():
            if np.ndim(value) != 0:
                raise ValueError(
                    f"{name} of a run must be one number, got shape {np.shape(value)}: "
                    "give one run per value"
                )
    (X_train, y_train), (X_valid, y_valid) = data
    for name, X, y in (("training", X_train, y_train), ("validation", X_valid, y_valid)):
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim < 2 or int(np.prod(X.shape[1:])) != 28 * 28:
            raise ValueError(f"{name} images must be 28 × 28 (or 784 values); got {X.shape[1:]}")
        if len(X) != len(y) or y.ndim != 1:
            raise ValueError(
                f"{name} data: {len(X)} images but labels of shape {y.shape}; "
                "one integer label per image is needed"
            )
        if len(X) == 0:
            raise ValueError(f"{name} data is empty")
    if epochs < 0 or batch_size < 1:
        raise ValueError(f"epochs must be ≥ 0 and batch_size ≥ 1; got {epochs}, {batch_size}")


def _groups(runs: Sequence[Run]) -> list[tuple[Optimizer, list[int]]]:
    """Runs that share an update rule, each group as one optimizer whose hyperparameters are
    arrays over its runs, with the runs' positions. ``weight_decay=None`` joins 0 (the same
    numbers: θ − θ·0·η = θ)."""
    found: dict = {}
    for i, run in enumerate(runs):
        opt = run.optimizer
        key = (type(opt), *(bool(getattr(opt, flag, False)) for flag in _STRUCTURE))
        found.setdefault(key, []).append(i)
    groups = []
    for members in found.values():
        first = runs[members[0]].optimizer
        changes = {}
        for field in dataclasses.fields(first):
            values = [getattr(runs[i].optimizer, field.name) for i in members]
            if field.name in _STRUCTURE or isinstance(values[0], bool):
                continue
            if field.name == "weight_decay":
                if all(v is None for v in values):
                    continue
                values = [0.0 if v is None else v for v in values]
            changes[field.name] = np.asarray(values, dtype=float)
        groups.append((first.replace(**changes), members))
    return groups


def _shaped(optimizer: Optimizer, ndim: int, axis: int = 0) -> Optimizer:
    """The group's optimizer with its hyperparameter arrays shaped to broadcast against a
    stacked weight of ``ndim`` dimensions whose run axis is ``axis`` ((runs, 1, …) for 0)."""
    changes = {
        name: value.reshape((1,) * axis + value.shape + (1,) * (ndim - 1 - axis))
        for name, value in optimizer.hyperparameters.items()
        if isinstance(value, np.ndarray)
    }
    return optimizer.replace(**changes)


@functools.lru_cache(maxsize=16)
def _drawn_weights(seed: int) -> tuple[np.ndarray, ...]:
    weights = tuple(build_model(seed).get_weights())
    for w in weights:
        w.flags.writeable = False  # shared by every program of the process
    return weights


def initial_weights(seed: int) -> list[np.ndarray]:
    """The book's MLP's initial weights for a seed, as ``training.build_model`` draws them
    (drawn once per seed in a process; read-only)."""
    return list(_drawn_weights(seed))


@functools.lru_cache(maxsize=8)
def _order(seed: int, n: int, epochs: int, batch_size: int) -> list[list[np.ndarray]]:
    """One batch seed's order, drawn once per process (drawing it takes about 0.2 s per epoch
    of 55,000 images, and the notebooks' sweeps ask for the same seeds again and again)."""
    from . import fastfit
    from .backend import keras as _keras

    _keras().utils.set_random_seed(seed)
    return fastfit.batch_order(n, epochs, batch_size)


def _orders(runs, n, epochs, batch_size):
    """The batch order of each distinct batch seed, as ``model.fit`` would draw it."""
    return {
        seed: _order(seed, n, epochs, batch_size)
        for seed in dict.fromkeys(run.order_seed for run in runs)
    }


class _Stack:
    """The runs of a program: their weights stacked as variables, and per group of runs that
    share an update rule, an optimizer shaped for each weight and its state as variables.

    The run axis comes first, except in the first kernel: every run of a program sees the same
    batches, so that one is 784 × runs × 100 and the first layer is one wide matmul (784 by
    runs·100), far faster on a CPU than a batched one. The forward and backward passes are
    those of all runs at once; only the updates go group by group, each on its slice of the
    run axis.
    """

    def __init__(self, groups, runs, weights):
        import tensorflow as tf

        self.runs = runs
        self.axes = [1 if j == 0 else 0 for j in range(len(weights[runs[0].seed]))]
        self.params = [
            tf.Variable(np.stack([weights[run.seed][j] for run in runs], axis=axis), name=f"w{j}")
            for j, axis in enumerate(self.axes)
        ]
        self.groups, self.plateaus = [], {}  # plateaus: {run's position: its _PlateauRate}
        for optimizer, members in groups:
            start, stop = members[0], members[-1] + 1
            rules = []
            for p, axis in zip(self.params, self.axes):
                shaped = _shaped(optimizer, len(p.shape), axis)
                state = shaped.init(_part(tf.convert_to_tensor(p), axis, start, stop))
                state.pop("iterations")
                rules.append((shaped, {k: tf.Variable(v) for k, v in state.items()}))
            schedules = [runs[i].schedule for i in members]
            for position, i in enumerate(members):
                if runs[i].plateau is not None:
                    rate = float(np.ravel(optimizer.learning_rate)[position])
                    schedules[position] = self.plateaus[i] = _PlateauRate(runs[i].plateau, rate)
            self.groups.append((start, stop, rules, schedules if any(schedules) else None))

    def pre_activations(self, x):
        """x: (batch, 784), the same batch for every run. Per layer, what enters its activation
        (runs, batch, units): the hidden layers' (before the ReLU), then the logits."""
        tf = _tf()
        params, k = self.params, len(self.runs)
        kernel = tf.reshape(params[0], [params[0].shape[0], -1])
        h = tf.reshape(tf.matmul(x, kernel), [-1, k, params[0].shape[2]])
        z = [tf.transpose(h, [1, 0, 2]) + params[1][:, None, :]]
        for j in range(2, len(params), 2):
            z.append(tf.matmul(tf.nn.relu(z[-1]), params[j]) + params[j + 1][:, None, :])
        return z

    def logits(self, x):
        """x: (batch, 784), the same batch for every run."""
        return self.pre_activations(x)[-1]

    def kernels_squared(self):
        """Per run: the sum of the squared kernel weights (for an L2 penalty)."""
        tf = _tf()
        sums = []
        for p, axis in zip(self.params[0::2], self.axes[0::2]):
            sums.append(tf.reduce_sum(tf.square(p), axis=[a for a in range(3) if a != axis]))
        return tf.add_n(sums)

    def update(self, grads, iterations):
        tf = _tf()
        rates = [
            None if schedules is None else _rates(rules[0][0], schedules, iterations)
            for _, _, rules, schedules in self.groups
        ]
        for j, (p, grad, axis) in enumerate(zip(self.params, grads, self.axes)):
            value, pieces = tf.convert_to_tensor(p), []
            for (start, stop, rules, _), rate in zip(self.groups, rates):
                rule, variables = rules[j]
                if rate is not None:
                    shape = [1] * len(p.shape)
                    shape[axis] = stop - start
                    rule = _with_rate(rule, tf.reshape(rate, shape))
                state = dict(variables)
                state["iterations"] = iterations
                piece, new_state = rule.update(
                    _part(value, axis, start, stop), _part(grad, axis, start, stop), state
                )
                for name, v in variables.items():
                    v.assign(new_state[name])
                pieces.append(piece)
            p.assign(pieces[0] if len(pieces) == 1 else tf.concat(pieces, axis))

    def final_weights(self) -> list[list[np.ndarray]]:
        """Per run, its weights in the order of ``model.get_weights()``."""
        arrays = [np.moveaxis(p.numpy(), axis, 0) for p, axis in zip(self.params, self.axes)]
        return [[a[i] for a in arrays] for i in range(len(self.runs))]

    def final_states(self) -> list[dict[str, list[np.ndarray]]]:
        """Per run, its optimizer's state: {slot: one array per weight, in the order of
        ``model.get_weights()``}, with Keras's slot names ("momentum", "accumulator", …)."""
        states = []
        for start, stop, rules, _ in self.groups:
            slots: dict[str, list] = {}
            for (_, variables), axis in zip(rules, self.axes):
                for name, v in variables.items():  # shaped as the weight, on the group's runs
                    slots.setdefault(name, []).append(np.moveaxis(v.numpy(), axis, 0))
            for i in range(stop - start):
                states.append({name: [a[i] for a in arrays] for name, arrays in slots.items()})
        return states


def _rates(rule, schedules, iterations):
    """This step's learning rate of each run of a group: its schedule at the number of steps
    taken (as Keras evaluates it), or its constant rate."""
    tf = _tf()
    constant = np.ravel(rule.learning_rate)
    return tf.stack([
        tf.cast(schedule(iterations), tf.float32) if schedule is not None
        else tf.constant(constant[i], tf.float32)
        for i, schedule in enumerate(schedules)
    ])  # fmt: skip


def _with_rate(rule, rate):
    """The rule with a learning rate that is a tensor (this step's rates). The optimizers'
    checks compare numbers, so the field is set on a copy without them."""
    import copy

    changed = copy.copy(rule)
    object.__setattr__(changed, "learning_rate", rate)
    return changed


def _part(tensor, axis, start, stop):
    """The runs start … stop − 1 of a stacked weight whose run axis is ``axis``."""
    if start == 0 and stop == tensor.shape[axis]:
        return tensor
    return tensor[(slice(None),) * axis + (slice(start, stop),)]


def _tf():
    import tensorflow as tf

    return tf


class _Program:
    """The TensorFlow side: the runs' weights and states, a training step, an epoch per call."""

    def __init__(self, runs, groups, tensors, batch_size, compiled=True, shared=None):
        """shared: {structure: compiled epoch} for the programs of one ``fit``: a program whose
        runs differ from an earlier one's only in their weights (another seed) runs the
        earlier one's compiled epoch on its own variables instead of compiling its own."""
        tf = _tf()
        self.k, self.batch_size = len(runs), batch_size
        factors = np.array([run.l2 or 0.0 for run in runs], np.float32)
        self.l2 = tf.constant(factors) if factors.any() else None  # per run
        weights = {seed: initial_weights(seed) for seed in dict.fromkeys(r.seed for r in runs)}
        self.stack = _Stack(groups, runs, weights)
        # each group's runs are one slice of the run axis
        assert [i for _, members in groups for i in members] == list(range(self.k))
        self.X, self.y, self.X_valid, self.y_valid = tensors
        self.iterations = tf.Variable(0, dtype=tf.int64, name="iterations")
        zeros = np.zeros(self.k, np.float32)
        self.loss_sum, self.correct, self.count = (tf.Variable(zeros) for _ in range(3))
        # Compiled with XLA: it fuses each update rule's element-wise operations into one pass
        # over the weights, and the small matmuls' overheads away (about 2× faster on a CPU).
        key = _structure(runs, groups, batch_size, compiled)
        shared = {} if shared is None or key is None else shared
        if key not in shared:
            # autograph off: the epoch's loop is tf.while_loop already, and converting the
            # code (the rules, Keras's schedules) took seconds on a kernel's first sweep
            shared[key] = tf.function(self._epoch_on, jit_compile=compiled, autograph=False)
        self._epoch = shared[key]
        self.evaluate = tf.function(self._evaluate, autograph=False)

    def train_epoch(self, batches, sizes):
        return self._epoch(self._variables(), batches, sizes)

    def _variables(self) -> list:
        """Every variable an epoch changes, in a fixed order."""
        found = list(self.stack.params)
        for _, _, rules, _ in self.stack.groups:
            found += [variables[name] for _, variables in rules for name in sorted(variables)]
        return found + [self.iterations, self.loss_sum, self.correct, self.count]

    def _epoch_on(self, variables, batches, sizes):
        """``_train_epoch`` traced on these variables (in ``_variables``' order) instead of the
        program's own: the trace serves every program of the same structure. It runs on a
        copy, so that the program itself never changes (another thread may be reading it)."""
        import copy

        view, rest = copy.copy(self), list(variables)
        view.stack = copy.copy(self.stack)
        n = len(self.stack.params)
        view.stack.params, rest = rest[:n], rest[n:]
        view.stack.groups = []
        for start, stop, rules, schedules in self.stack.groups:
            bound = []
            for rule, slots in rules:
                bound.append((rule, {name: rest.pop(0) for name in sorted(slots)}))
            view.stack.groups.append((start, stop, bound, schedules))
        view.iterations, view.loss_sum, view.correct, view.count = rest
        return view._train_epoch(batches, sizes)

    def _losses(self, x, y, mask=None):
        """Per run: the mean cross-entropy over the batch (plus the L2 penalty, as Keras adds
        it), and the number of correct predictions. mask: 1 for the batch's examples, 0 for the
        padding of a last, smaller batch."""
        tf = _tf()
        logits = self.stack.logits(x)
        labels = tf.broadcast_to(y, tf.shape(logits)[:2])
        per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        predicted = tf.argmax(tf.nn.softmax(logits), axis=-1, output_type=tf.int32)
        hits = tf.cast(tf.equal(predicted, labels), tf.float32)
        if mask is None:
            n = tf.cast(tf.shape(labels)[1], per_example.dtype)
        else:
            per_example, hits, n = per_example * mask, hits * mask, tf.reduce_sum(mask)
        loss = tf.reduce_sum(per_example, axis=1) / n
        if self.l2 is not None:
            loss = loss + self.l2 * self.stack.kernels_squared()
        return loss, tf.reduce_sum(hits, axis=1)

    def _step(self, index, size):
        """One batch for every run. index: (batch size,), whose first ``size`` entries are
        the batch, the rest padding (a last, smaller batch)."""
        tf = _tf()
        x, y = tf.gather(self.X, index), tf.gather(self.y, index)
        mask = tf.cast(tf.range(tf.shape(index)[-1]) < size, tf.float32)
        with tf.GradientTape() as tape:
            loss, correct = self._losses(x, y, mask)
            total = tf.reduce_sum(loss)
        self.stack.update(tape.gradient(total, self.stack.params), self.iterations)
        self.iterations.assign_add(1)
        size = tf.cast(size, tf.float32)
        # as Keras's metrics: the loss weighted by batch size, the accuracy by examples
        self.loss_sum.assign_add(loss * size)
        self.correct.assign_add(correct)
        self.count.assign_add(tf.fill([self.k], size))

    def _train_epoch(self, batches, sizes):
        """Every batch of an epoch, in one call: batches (steps, batch size), padded
        where a batch is smaller; sizes (steps,) the number of examples in each."""
        tf = _tf()

        def body(i):
            self._step(batches[i], sizes[i])
            return (i + 1,)

        tf.while_loop(lambda i: i < tf.shape(batches)[0], body, (tf.constant(0),))
        return tf.constant(0)

    def _evaluate(self):
        tf = _tf()
        loss, correct = self._losses(self.X_valid, self.y_valid)
        return loss, correct / tf.cast(tf.shape(self.y_valid)[0], tf.float32)

    def epoch(self, batches: list[np.ndarray]) -> tuple[dict, list[dict]]:
        """One epoch over these index batches, for every run: {metric: one value per run}, and
        per run what only it logs (a plateau run's learning rate), after Keras's callbacks
        would have acted (a plateau rule lowers the rate for the next epoch)."""
        tf = _tf()
        for v in (self.loss_sum, self.correct, self.count):
            v.assign(tf.zeros_like(v))
        index = np.zeros((len(batches), self.batch_size), np.int32)
        sizes = np.array([len(batch) for batch in batches], np.int32)
        for i, batch in enumerate(batches):
            index[i, : len(batch)] = batch
        self.train_epoch(tf.constant(index), tf.constant(sizes))
        val_loss, val_accuracy = self.evaluate()
        count = self.count.numpy()
        logs = {
            "accuracy": self.correct.numpy() / count,
            "loss": self.loss_sum.numpy() / count,
            "val_accuracy": val_accuracy.numpy(),
            "val_loss": val_loss.numpy(),
        }
        extras = [{} for _ in range(self.k)]  # per run: what only some runs log
        for i, plateau in self.stack.plateaus.items():
            run_logs = {name: values[i] for name, values in logs.items()}
            extras[i]["learning_rate"] = plateau.after_epoch(run_logs)
        return logs, extras

    def final_weights(self) -> list[list[np.ndarray]]:
        return self.stack.final_weights()

    def final_states(self) -> list[dict[str, list[np.ndarray]]]:
        return self.stack.final_states()


def _balance(members_of: dict, counts: dict, share: float) -> None:
    """Split batch orders into more programs (``counts``, in place) while the largest program
    holds more runs than a core's ``share`` of all the runs. A program runs one epoch at a time
    on one core, so it sets the pace: five runs on two cores go as 2 + 2 + 1 (the cores take
    the programs' epochs in turn), not as 3 + 2 (one core idles while the other does 3)."""

    def largest(seed):
        return -(-len(members_of[seed]) // counts[seed])

    while members_of:
        seed = max(members_of, key=largest)
        if largest(seed) <= share or counts[seed] >= len(members_of[seed]):
            return
        counts[seed] += 1


def _structure(runs, groups, batch_size, compiled):
    """What an epoch's trace depends on besides the variables: the update rules and their
    hyperparameters, group by group, each run's L2 factor and schedule, the batch size. None
    for a program with a plateau rule (its learning rate variables are its own)."""
    if any(run.plateau is not None for run in runs):
        return None

    def plain(value):
        return np.asarray(value).tolist() if isinstance(value, np.ndarray) else value

    rules = tuple(
        (type(rule).__name__, repr({f.name: plain(getattr(rule, f.name)) for f in
                                    dataclasses.fields(rule)}), tuple(members))
        for rule, members in groups
    )  # fmt: skip
    runs_ = tuple((run.l2, id(run.schedule) if run.schedule is not None else None) for run in runs)
    return rules, runs_, batch_size, compiled


def takes_state(measure) -> bool:
    """Whether a measure asks for the optimizer's state (has a parameter ``state``)."""
    import inspect

    try:
        return "state" in inspect.signature(measure).parameters
    except (TypeError, ValueError):  # a callable without a signature
        return False


def _l2_factor(kernel_regularizer) -> float:
    """The L2 factor of a Keras L2 regularizer (0 for none); other regularizers: an error."""
    if kernel_regularizer is None:
        return 0.0
    settings = kernel_regularizer.get_config()
    if set(settings) <= {"l2"} and type(kernel_regularizer).__name__ == "L2":
        return float(settings["l2"])
    raise ValueError(
        f"batched training knows the L2 penalty only; got {type(kernel_regularizer).__name__}"
    )


def fit(
    runs: Sequence[Run],
    data,
    epochs: int,
    batch_size: int = 32,
    kernel_regularizer=None,
    on_epoch_end: Callable[[int, list[dict]], None] | None = None,
    parallel: int | None = None,
    measure: Callable[[list[np.ndarray]], dict] | None = None,
) -> list[RunResult]:
    """Train every run of ``runs`` together; a RunResult per run, in the same order.

    data: ``((X_train, y_train), (X_valid, y_valid))``. kernel_regularizer: None or
    ``keras.regularizers.l2(λ)`` on every kernel, for the runs that do not give their own
    ``l2``. on_epoch_end(epoch, logs per run): a hook, for progress displays. parallel: how
    many programs share the runs, side by side in threads (default: one per core).
    measure(weights) → {name: number}: called after every epoch with each run's weights (in
    the order of ``model.get_weights()``); its numbers join the run's history. A measure with a
    parameter ``state`` is also given the run's optimizer state (``_Stack.final_states``).
    """
    check(runs, data, epochs, batch_size)
    l2 = _l2_factor(kernel_regularizer)
    runs = [run if run.l2 is not None else dataclasses.replace(run, l2=l2) for run in runs]
    (X, y), (X_valid, y_valid) = data
    orders = _orders(runs, len(X), epochs, batch_size)
    tensors = _tensors(X, y, X_valid, y_valid)
    # A program per batch order (its runs share each batch), split so that there is one per
    # core at least: each runs on one thread (helpers.backend), side by side. A short training
    # (quick mode) is not worth the time that splitting and compiling with XLA cost (seconds
    # per program), so it is one program per batch order, not compiled.
    long = len(X) / batch_size * epochs >= LONG_TRAINING
    cores = parallel or (_cores() if long else 1)
    split = -(-cores // len(orders))  # parts per batch order, for every core to have one
    members_of, counts = {}, {}
    for seed in orders:
        members = [i for i, run in enumerate(runs) if run.order_seed == seed]
        members_of[seed] = [i for _, group in _groups([runs[i] for i in members]) for i in
                            [members[j] for j in group]]  # fmt: skip
        counts[seed] = max(split, -(-len(members) // MAX_RUNS)) if long else 1
    _balance(members_of, counts, len(runs) / cores if long else len(runs))
    parts = []
    for seed, members in members_of.items():
        parts += [list(p) for p in np.array_split(members, min(counts[seed], len(members)))]
    programs, shared = [], {}
    for part in parts:
        members = [runs[i] for i in part]
        programs.append(_Program(members, _groups(members), tensors, batch_size, long, shared))
    histories = [{"accuracy": [], "loss": [], "val_accuracy": [], "val_loss": []} for _ in runs]
    times = []
    with_state = measure is not None and takes_state(measure)

    def measured(weights, state):
        return measure(weights, state=state) if with_state else measure(weights)

    def epoch_of(program, batches, before):
        """One program's epoch, once its previous epoch is done; with a measure, a copy of
        its weights at the end of the epoch (the program goes on without waiting)."""
        if before is not None:
            before.result()
        logs = program.epoch(batches)
        if measure is None:
            return logs, None
        weights = program.final_weights()
        if not with_state:
            return logs, [(w, None) for w in weights]
        return logs, list(zip(weights, program.final_states()))

    # Every (program, epoch) is a task, queued epoch by epoch: the threads take them in that
    # order, so no thread waits for the slowest program of an epoch (a task's own previous
    # epoch was taken earlier, so it is running or done).
    start = time.perf_counter()
    with ThreadPoolExecutor(min(cores, len(programs))) as pool:
        tasks, before = [], [None] * len(programs)
        for epoch in range(epochs):
            row = []
            for p, (part, program) in enumerate(zip(parts, programs)):
                batches = orders[runs[part[0]].order_seed][epoch]
                before[p] = pool.submit(epoch_of, program, batches, before[p])
                row.append(before[p])
            tasks.append(row)
        for epoch, row in enumerate(tasks):
            done = [task.result() for task in row]
            now = time.perf_counter()
            times.append(now - start)
            start = now
            for part, ((part_logs, extras), weights) in zip(parts, done):
                for position, i in enumerate(part):
                    for name, values in part_logs.items():
                        histories[i][name].append(float(values[position]))
                    for name, value in extras[position].items():
                        histories[i].setdefault(name, []).append(float(value))
                    if weights is not None:
                        for name, value in measured(*weights[position]).items():
                            histories[i].setdefault(name, []).append(float(value))
            if on_epoch_end is not None:
                on_epoch_end(epoch, [{k: v[-1] for k, v in h.items()} for h in histories])
    results = [None] * len(runs)
    for part, program in zip(parts, programs):
        for i, weights in zip(part, program.final_weights()):
            results[i] = RunResult(histories[i], list(times), weights)
    return results


def _tensors(X, y, X_valid, y_valid):
    """The data as tensors, once for all programs."""
    tf = _tf()
    return (
        tf.constant(np.asarray(X, np.float32).reshape(len(X), -1)),
        tf.constant(np.asarray(y), tf.int32),
        tf.constant(np.asarray(X_valid, np.float32).reshape(len(X_valid), -1)),
        tf.constant(np.asarray(y_valid), tf.int32),
    )


def _cores() -> int:
    """How many programs to run side by side: one per core the process may use (at most 4),
    where TensorFlow runs each operation on one thread (``helpers.backend``'s setting)."""
    import os

    if os.environ.get("TF_NUM_INTRAOP_THREADS", "1") != "1":
        return 1
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(4, os.cpu_count() or 1))

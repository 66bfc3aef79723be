"""``model.fit``, each epoch in one TensorFlow call, with exactly the same numbers.

Plain ``model.fit(X, y, batch_size=32)`` returns to Python between batches; on a small model
most of an epoch is that overhead. Here each epoch is one graph function: a ``tf.while_loop``
over the batches, each taken from the data held as tensors and passed to Keras's own
``model.train_step`` (the same forward pass, gradients, optimizer update and metrics), then the
validation batches through ``model.test_step``. The batch order is Keras's own: the epoch
iterator that ``fit`` would build, drawn over the indices ``0 … n−1`` right after the same
``keras.utils.set_random_seed``. The result (history and weights) is bit-identical to ``fit``
(``tests/test_training.py`` checks it; ``make bench`` times both).

Not XLA: on a CPU Keras's ``fit`` does not compile with XLA, and XLA's kernels differ from
TensorFlow's in the last bit, which training amplifies. Only the TensorFlow backend, array
inputs and epoch-level callbacks are supported; ``supported(model, callbacks)`` says when, and
``helpers.training.train`` falls back to ``fit`` otherwise.
"""

from __future__ import annotations

import numpy as np

from .backend import keras as _keras


def _epoch_iterator_class():
    try:
        from keras.src.backend.tensorflow.trainer import TFEpochIterator
    except ImportError:
        return None
    return TFEpochIterator


BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")


def has_batch_hooks(callback) -> bool:
    """Whether a Keras callback acts on every batch (it overrides a per-batch hook)."""
    base = _keras().callbacks.Callback
    return any(getattr(type(callback), hook) is not getattr(base, hook) for hook in BATCH_HOOKS)


def supports_callbacks(callbacks) -> bool:
    """Whether ``fit`` below can run these callbacks: epoch-level ones only."""
    return not any(map(has_batch_hooks, callbacks))


def supported(model, callbacks=()) -> bool:
    """Whether ``fit`` below can stand in for ``model.fit`` (else use ``model.fit``)."""
    keras = _keras()
    return (
        keras.backend.backend() == "tensorflow"
        and _epoch_iterator_class() is not None
        and all(hasattr(model, name) for name in ("train_step", "test_step", "_symbolic_build"))
        and not getattr(model, "jit_compile", False)
        and supports_callbacks(callbacks)
    )


def batch_order(n: int, epochs: int, batch_size: int) -> list[list[np.ndarray]]:
    """The index batches of each epoch, in the order ``model.fit(shuffle=True)`` draws them
    (call right after ``keras.utils.set_random_seed``, where ``fit`` would start)."""
    import tensorflow as tf

    iterator = _epoch_iterator_class()(
        x=np.arange(n, dtype=np.int64),
        y=None,
        batch_size=batch_size,
        shuffle=True,
        distribute_strategy=tf.distribute.get_strategy(),
        steps_per_execution=1,
    )
    iterator.reset()
    order = []
    for _ in range(epochs):
        batches = []
        with iterator.catch_stop_iteration():
            for _, _, data in iterator:
                batch = next(data)
                batches.append(np.asarray(batch[0] if isinstance(batch, tuple) else batch))
        order.append(batches)
    return order


class _Epoch:
    """One pass of ``step`` (train_step or test_step) over given index batches, in one call."""

    def __init__(self, step, X, y, batch_size):
        import tensorflow as tf

        self.tf, self.batch_size = tf, batch_size
        X, y = tf.constant(X), tf.constant(y)

        def run(full, last=None):
            def body(i):
                step((tf.gather(X, full[i]), tf.gather(y, full[i])))
                return (i + 1,)

            tf.while_loop(lambda i: i < tf.shape(full)[0], body, (tf.constant(0),))
            if last is not None:  # the last, smaller batch
                step((tf.gather(X, last), tf.gather(y, last)))
            return tf.constant(0)

        self.functions = {True: tf.function(run), False: tf.function(lambda f: run(f))}

    def __call__(self, batches):
        full = [b for b in batches if len(b) == self.batch_size]
        rest = [b for b in batches if len(b) != self.batch_size]
        full = np.stack(full) if full else np.zeros((0, self.batch_size), np.int64)
        args = [self.tf.constant(full, self.tf.int32)]
        if rest:
            args.append(self.tf.constant(rest[0], self.tf.int32))
        self.functions[bool(rest)](*args)


def fit(model, X, y, *, epochs, batch_size, validation_data, callbacks=(), **_):
    """Like ``model.fit(X, y, epochs=…, batch_size=…, validation_data=…, callbacks=…)`` with
    shuffling; returns Keras's History. Call right after ``keras.utils.set_random_seed``."""
    keras = _keras()
    X, y = np.asarray(X), np.asarray(y)
    order = batch_order(len(X), epochs, batch_size)
    model._symbolic_build(data_batch=(X[:1], y[:1]))
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    train = _Epoch(model.train_step, X, y, batch_size)
    X_valid, y_valid = (np.asarray(a) for a in validation_data)
    valid = _Epoch(model.test_step, X_valid, y_valid, batch_size)
    valid_batches = [
        np.arange(i, min(i + batch_size, len(X_valid))) for i in range(0, len(X_valid), batch_size)
    ]
    hooks = keras.callbacks.CallbackList(
        list(callbacks), add_history=True, model=model, epochs=epochs, verbose=0
    )
    model.stop_training = False
    hooks.on_train_begin()
    for epoch in range(epochs):
        hooks.on_epoch_begin(epoch)
        model.reset_metrics()
        train(order[epoch])
        logs = {k: float(v) for k, v in model.get_metrics_result().items()}
        model.reset_metrics()
        valid(valid_batches)
        logs.update({f"val_{k}": float(v) for k, v in model.get_metrics_result().items()})
        hooks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    if epochs > 0:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    hooks.on_train_end()
    return model.history

"""The learning rate finder: train the book's MLP with η growing exponentially and watch where
the loss turns up (``helpers.schedules.learning_rate_finder`` is this function too).

    >>> from helpers.lr_finder import learning_rate_finder
    >>> rates, losses = learning_rate_finder("gd", steps=300)
"""

from __future__ import annotations

import numpy as np

from . import config
from .backend import keras as _keras
from .training import build_model, keras_optimizer


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

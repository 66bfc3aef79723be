"""The book's MLP for Fashion-MNIST: Flatten(28×28) → three Dense(100, ReLU, He-normal) →
Dense(10, softmax), with initial weights drawn from a seed. ``helpers.training`` trains one,
``helpers.batched`` many at once."""

from __future__ import annotations

from . import config
from .backend import keras as _keras


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

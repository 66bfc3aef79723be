"""The book's MLP for Fashion-MNIST: Flatten(28×28) → three Dense(100, ReLU, He-normal) →
Dense(10, softmax), with initial weights drawn from a seed. ``helpers.training`` trains one,
``helpers.batched`` many at once."""

from __future__ import annotations

import numpy as np

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


# --------------------------------------------------------------------------------------------
# The MLP computed from its weights alone (NumPy): measures taken during training


def probabilities(weights, X, batch: int = 5000):
    """The MLP's class probabilities for images X, from its weights (in the order of
    ``model.get_weights()``: kernel, bias per layer), in float32 as Keras computes them."""
    X = np.asarray(X, np.float32).reshape(len(X), -1)
    out = []
    for start in range(0, len(X), batch):
        h = X[start : start + batch]
        for j in range(0, len(weights) - 2, 2):
            h = np.maximum(h @ weights[j] + weights[j + 1], 0)
        logits = h @ weights[-2] + weights[-1]
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        out.append(e / e.sum(axis=1, keepdims=True))
    return np.concatenate(out)


def cross_entropy(weights, X, y) -> float:
    """The mean cross-entropy of the MLP with these weights on (X, y), without any penalty."""
    p = probabilities(weights, X)
    picked = np.clip(p[np.arange(len(p)), np.asarray(y)], 1e-7, 1.0)  # Keras's clipping
    return float(-np.mean(np.log(picked)))


def kernel_norm(weights) -> float:
    """The Euclidean norm of all the kernels (the weights an L2 penalty or decay shrinks)."""
    return float(np.sqrt(sum(np.sum(np.square(w, dtype=np.float64)) for w in weights[0::2])))

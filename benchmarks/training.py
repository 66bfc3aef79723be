"""How fast is training? The book's plain ``model.fit(..., batch_size=32)`` against the course's
``training.train`` (fast mode), side by side in one run, on the full Fashion-MNIST training set.

Run with ``make bench`` (or ``python benchmarks/training.py [epochs]``). Both train the book's MLP
from the same initial weights and batch order, with SGD (η = 0.01, the target) and with Adam.
The first epoch of each includes building the TensorFlow functions, so it is reported apart;
the speed is the median of the later epochs. Target (SGD): fast mode at least 3× faster, with
the same metrics to 1e-6.
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from helpers import training  # noqa: E402
from helpers.backend import keras  # noqa: E402
from helpers.data import load_fashion_mnist  # noqa: E402

TARGET_SPEEDUP = 3.0
TOLERANCE = 1e-6


def timed(name, data, epochs, **hyperparameters):
    runs = {
        label: training.train(
            name, data=data, epochs=epochs, fast=fast, verbose=False, **hyperparameters
        )
        for label, fast in (("plain model.fit", False), ("training.train", True))
    }
    plain, fast = runs.values()
    difference = max(
        abs(a - b)
        for key in plain.history
        for a, b in zip(plain.history[key], fast.history[key], strict=True)
    )
    steady = {
        label: statistics.median(h.epoch_times[1:] or h.epoch_times) for label, h in runs.items()
    }
    return runs, steady, difference


def main(epochs: int = 4) -> int:
    train_pair, valid_pair, _ = load_fashion_mnist()
    data = (train_pair, valid_pair)
    keras()  # TensorFlow starts here, with the course's thread settings (helpers.backend)
    print(f"Training the book's MLP: 55,000 images, batch 32, {epochs} epochs per run")
    print(
        "TensorFlow threads, for both: intra-op "
        f"{os.environ['TF_NUM_INTRAOP_THREADS']}, inter-op {os.environ['TF_NUM_INTEROP_THREADS']}"
    )
    print(f"{'':26}{'first epoch':>13}{'later epochs (median)':>24}{'val_accuracy':>15}")
    ok = True
    for title, name, hyperparameters, target in (
        ("SGD η = 0.01 (the book's)", "gd", {"learning_rate": 0.01}, True),
        ("Adam (Keras defaults)", "adam", {}, False),
    ):
        runs, steady, difference = timed(name, data, epochs, **hyperparameters)
        print(title)
        for label, history in runs.items():
            print(
                f"  {label:24}{history.epoch_times[0]:>11.2f} s{steady[label]:>22.2f} s"
                f"{history.history['val_accuracy'][-1]:>15.4f}"
            )
        ratio = steady["plain model.fit"] / steady["training.train"]
        print(
            f"  speed-up {ratio:.1f}×; largest difference in any metric of any epoch: "
            f"{difference:.2g}"
        )
        if target:
            ok = ratio >= TARGET_SPEEDUP and difference <= TOLERANCE
    print(
        f"target (SGD): ≥ {TARGET_SPEEDUP:g}× with metrics equal to {TOLERANCE:g}: "
        + ("PASS" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 4))

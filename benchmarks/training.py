"""How fast is training? The book's plain ``model.fit(..., batch_size=32)`` against the course's
``training.train`` (fast mode), side by side in one run, on the full Fashion-MNIST training set.

Run with ``make bench`` (or ``python benchmarks/training.py [epochs]``). Both train the book's MLP
with SGD (η = 0.01) from the same initial weights and batch order. The first epoch of each
includes building the TensorFlow functions, so it is reported apart; the speed is the median of
the later epochs. Target: fast mode at least 3× faster, with the same metrics to 1e-6.
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from helpers import training  # noqa: E402
from helpers.data import load_fashion_mnist  # noqa: E402

TARGET_SPEEDUP = 3.0
TOLERANCE = 1e-6


def main(epochs: int = 4) -> int:
    train_pair, valid_pair, _ = load_fashion_mnist()
    data = (train_pair, valid_pair)
    runs = {}
    for label, fast in (("plain model.fit", False), ("training.train", True)):
        history = training.train(
            "gd", data=data, epochs=epochs, fast=fast, verbose=False, learning_rate=0.01
        )
        runs[label] = history
    plain, fast = runs.values()
    difference = max(
        abs(a - b)
        for key in plain.history
        for a, b in zip(plain.history[key], fast.history[key], strict=True)
    )
    print(f"Training: the book's MLP, SGD η = 0.01, 55,000 images, batch 32, {epochs} epochs")
    print(f"{'':18}{'first epoch':>13}{'later epochs (median)':>24}{'val_accuracy':>15}")
    steady = {}
    for label, history in runs.items():
        times = history.epoch_times
        steady[label] = statistics.median(times[1:]) if len(times) > 1 else times[0]
        print(
            f"{label:18}{times[0]:>11.2f} s{steady[label]:>22.2f} s"
            f"{history.history['val_accuracy'][-1]:>15.4f}"
        )
    ratio = steady["plain model.fit"] / steady["training.train"]
    print(f"speed-up {ratio:.1f}× (target ≥ {TARGET_SPEEDUP:g}×)")
    print(
        f"largest difference in any metric of any epoch: {difference:.2g} (target ≤ {TOLERANCE:g})"
    )
    ok = ratio >= TARGET_SPEEDUP and difference <= TOLERANCE
    print("PASS" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 4))

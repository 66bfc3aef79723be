"""What does a sweep cost? One run of the book's MLP, five runs one after the other, and the
same five runs as one sweep (``training.sweep``: one TensorFlow program for all five), side by
side in one run, on the full Fashion-MNIST training set; then the nine optimizers of 08's race
at their Keras defaults (``training.compare``) against one run.

Run with ``make bench`` (or ``python benchmarks/sweeps.py [epochs]``). Each time is the median
of the later epochs (the first one builds and compiles the TensorFlow functions, reported apart
in the totals). Targets: a 5-run sweep at most 2× one run (Adam, and SGD with momentum); the
nine optimizers at most 3× one run. "Largest difference" is the largest difference in any metric
of any epoch between a run of the sweep and the same run trained alone; the first epoch's is
shown apart (later epochs can drift further: the batched matmuls add in another order, and
training amplifies the last bits).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from helpers import registry, training  # noqa: E402
from helpers.backend import keras  # noqa: E402
from helpers.data import load_fashion_mnist  # noqa: E402

SWEEP_TARGET, RACE_TARGET = 2.0, 3.0
RATES = {
    "adam": [0.0003, 0.0005, 0.001, 0.002, 0.003],
    "momentum": [0.003, 0.005, 0.01, 0.02, 0.03],
}


def steady(history) -> float:
    return statistics.median(history.epoch_times[1:] or history.epoch_times)


def differences(together: dict, alone: dict) -> tuple[float, float]:
    """The largest difference in any metric: over the first epoch, and over all epochs."""
    first = every = 0.0
    for key, history in together.items():
        for metric, values in history.history.items():
            for epoch, (a, b) in enumerate(zip(values, alone[key].history[metric], strict=True)):
                every = max(every, abs(a - b))
                if epoch == 0:
                    first = max(first, abs(a - b))
    return first, every


def timed(call, *args, **kwargs):
    start = time.perf_counter()
    result = call(*args, **kwargs)
    return result, time.perf_counter() - start


def separately(name, rates, options) -> dict:
    return {lr: training.train(name, learning_rate=lr, **options) for lr in rates}


def main(epochs: int = 3) -> int:
    train_pair, valid_pair, _ = load_fashion_mnist()
    data = (train_pair, valid_pair)
    keras()
    options = {"data": data, "epochs": epochs, "verbose": False}
    print(f"Sweeps of the book's MLP: 55,000 images, batch 32, {epochs} epochs per run")
    print(f"{'':34}{'total':>9}{'per epoch':>11}{'× one run':>11}   largest difference")
    ok = True
    for name, rates in RATES.items():
        print(f"{registry.display_name(name)}, η ∈ {rates}")
        one, one_total = timed(training.train, name, learning_rate=rates[2], **options)
        alone, alone_total = timed(separately, name, rates, options)
        swept, sweep_total = timed(training.sweep, name, rates, **options)
        unit = steady(one)
        separate = sum(steady(h) for h in alone.values())
        first, every = differences(swept, alone)
        rows = [
            ("one run (training.train)", one_total, unit, ""),
            ("5 runs, one after the other", alone_total, separate, ""),
            (
                "5-run sweep (training.sweep)",
                sweep_total,
                steady(next(iter(swept.values()))),
                f"first epoch {first:.1g}, all {epochs} epochs {every:.1g}",
            ),
        ]
        for label, total, per_epoch, note in rows:
            print(
                f"  {label:32}{total:>7.1f} s{per_epoch:>9.2f} s{per_epoch / unit:>10.1f}×   {note}"
            )
        ok &= steady(next(iter(swept.values()))) <= SWEEP_TARGET * unit
    names = registry.NAMES
    print(f"The nine optimizers at Keras's defaults (08's race): {', '.join(names)}")
    one, one_total = timed(training.train, "adam", **options)
    raced, race_total = timed(training.compare, {n: n for n in names}, **options)
    alone = {n: training.train(n, **options) for n in names}
    first, every = differences(raced, alone)
    per_epoch = steady(next(iter(raced.values())))
    print(f"  {'one run (Adam)':32}{one_total:>7.1f} s{steady(one):>9.2f} s{1:>10.1f}×")
    print(
        f"  {'9 runs (training.compare)':32}{race_total:>7.1f} s{per_epoch:>9.2f} s"
        f"{per_epoch / steady(one):>10.1f}×   "
        f"first epoch {first:.1g}, all {epochs} epochs {every:.1g}"
    )
    ok &= per_epoch <= RACE_TARGET * steady(one)
    print(
        f"targets: 5-run sweep ≤ {SWEEP_TARGET:g}× one run, nine optimizers ≤ {RACE_TARGET:g}× "
        "one run (per epoch): " + ("PASS" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))

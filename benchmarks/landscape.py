"""How fast is the loss landscape? A 31 × 31 grid of the book's MLP's loss on 5,000 training
images (``landscape.loss_grid``: batched, vectorised calls), against one ``model.evaluate`` per
grid point (timed on a few points and scaled to the grid).

Run with ``make bench`` (or ``python benchmarks/landscape.py [repeats]``). The plane is a
filter-normalised random one through the initial weights (the cost does not depend on the
plane). Target: the grid in at most 20 s on 2 cores, its losses equal to Keras's to 2e-5.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from helpers import landscape, training  # noqa: E402
from helpers.backend import keras  # noqa: E402
from helpers.data import load_fashion_mnist  # noqa: E402

TARGET_SECONDS = 20.0
TOLERANCE = 2e-5
SIDE = 31
IMAGES = 5000
NAIVE_POINTS = 10


def main(repeats: int = 3) -> int:
    (X, y), _, _ = load_fashion_mnist()
    X, y = X[:IMAGES], y[:IMAGES]
    keras()  # TensorFlow starts here, with the course's thread settings (helpers.backend)
    model = training.build_model()
    model.compile(loss="sparse_categorical_crossentropy")
    start, shapes = landscape.flat_weights(model), landscape.weight_shapes(model)
    plane = landscape.random_plane(start, shapes)
    axis = np.linspace(-1, 1, SIDE)
    landscape.loss_grid(plane, axis[:2], axis[:2], X, y, shapes)  # TensorFlow warms up
    times, cpu = [], []
    for _ in range(repeats):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        grid = landscape.loss_grid(plane, axis, axis, X, y, shapes)
        times.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, SIDE, (NAIVE_POINTS, 2))
    difference, begin = 0.0, time.perf_counter()
    for i, j in picks:
        weights = plane.point([axis[j], axis[i]]).astype(np.float32)
        model.set_weights([w[0] for w in landscape._split(weights[None], shapes)])
        expected = model.evaluate(X, y, batch_size=32, verbose=0)
        difference = max(difference, abs(grid[i, j] - expected) / expected)
    per_point = (time.perf_counter() - begin) / NAIVE_POINTS
    median = statistics.median(times)
    ok = median <= TARGET_SECONDS and difference <= TOLERANCE
    print(f"Loss landscape of the book's MLP: {SIDE}×{SIDE} grid, {IMAGES:,} training images")
    print(
        f"  landscape.loss_grid (batched)   {median:6.2f} s median of {repeats} "
        f"(fastest {min(times):.2f} s); CPU time {statistics.median(cpu):.2f} s"
    )
    if statistics.median(cpu) < 0.8 * median:
        print("  (the CPU time is well below the wall time: other processes share the cores)")
    print(
        f"  model.evaluate per point        {per_point * SIDE**2:6.1f} s "
        f"({per_point:.3f} s per point × {SIDE**2}, from {NAIVE_POINTS} points)"
    )
    print(f"  largest relative difference from model.evaluate: {difference:.1g}")
    print(
        f"target: ≤ {TARGET_SECONDS:g} s with losses equal to {TOLERANCE:g}: "
        + ("PASS" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:2])))

"""How fast is the live explorer? A slider move, until the frame is rendered, against a naive
re-plot; and the 100×100 stability map.

Run with ``make bench`` (or ``python benchmarks/explorer.py``). Targets: median ≤ 30 ms per move,
at least 5× faster than the naive re-plot, and the stability map in ≤ 1 s.
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from helpers import optimizers, plotting, surfaces, trajectories  # noqa: E402
from helpers.widgets import explorer, suggested_learning_rate  # noqa: E402

MOVES = 60
STEPS = 200


def timed(function, values):
    times = []
    for value in values:
        start = time.perf_counter()
        function(value)
        times.append(time.perf_counter() - start)
    return times


def naive_replot(surface, learning_rate):
    """What ``ipywidgets.interact`` with a fresh figure does on every move: a new figure, new
    contours (computed from scratch), the run, and the PNG the inline backend sends."""
    fig = plt.figure(figsize=(11, 4.6), dpi=90)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.1, 1])
    ax, ax_loss, ax_state = (
        fig.add_subplot(grid[:, 0]),
        fig.add_subplot(grid[0, 1]),
        fig.add_subplot(grid[1, 1]),
    )
    X, Y, Z = surface.grid(160)
    gap = np.maximum(Z - surface.min_value, 1e-300)
    levels = np.geomspace(np.quantile(gap, 0.002), np.quantile(gap, 0.98), 18)
    ax.contourf(X, Y, np.clip(gap, levels[0], levels[-1]), levels=levels, cmap="Greys_r", alpha=0.4)
    ax.contour(
        X, Y, np.clip(gap, levels[0], levels[-1]), levels=levels, colors="0.45", linewidths=0.5
    )
    result = trajectories.run(
        optimizers.get("adam", learning_rate=learning_rate), surface, steps=STEPS
    )
    plotting.draw_path(ax, result)
    plotting.draw_loss(ax_loss, result)
    title, series = plotting.state_series(result)
    for values in series.values():
        ax_state.semilogy(values)
    ax_state.set_title(title)
    # What the inline backend does to show it (matplotlib_inline: one draw, the figure's dpi).
    fig.canvas.print_figure(io.BytesIO(), format="png", dpi=fig.dpi, bbox_inches="tight")
    plt.close(fig)


def milliseconds(times):
    return statistics.median(times) * 1e3, float(np.percentile(times, 95)) * 1e3


def bench_moves():
    rows = []
    for name in surfaces.names():
        surface = surfaces.get(name)
        base = suggested_learning_rate("adam", name)
        values = [float(v) for v in base * np.geomspace(0.3, 3.0, MOVES // 2)]
        values += values[::-1]
        e = explorer("adam", surface=name, steps=STEPS)
        control = e.controls["learning_rate"]
        control.value = values[0]

        def move(value, control=control):
            control.value = value

        ours = timed(move, values)
        naive = timed(lambda v, s=surface: naive_replot(s, v), values)
        rows.append((name, *milliseconds(ours), *milliseconds(naive), e.redraws["full"]))
    return rows


def bench_maps(repeats=3):
    cases = [
        (
            "momentum",
            "rosenbrock",
            ("learning_rate", np.logspace(-5, -1, 100)),
            ("momentum", np.linspace(0, 0.99, 100)),
        ),
        (
            "adam",
            "beale",
            ("learning_rate", np.logspace(-4, 0, 100)),
            ("beta_2", 1 - np.logspace(-4, -0.3, 100)),
        ),
        (
            "rmsprop",
            "bowl",
            ("learning_rate", np.logspace(-4, 0, 100)),
            ("rho", np.linspace(0, 0.999, 100)),
        ),
    ]
    rows = []
    for name, surface, x, y in cases:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fig, ax, data = plotting.stability_map(name, surface, x=x, y=y, steps=STEPS)
            fig.canvas.draw()
            times.append(time.perf_counter() - start)
            plt.close(fig)
        rows.append((f"{name}: {x[0]} × {y[0]} on {surface}", statistics.median(times)))
    return rows


def main():
    plotting.use_style()
    print(
        f"Explorer (Adam, {STEPS} steps): a slider move until the frame is rendered "
        f"(run + Agg + PNG), {MOVES} moves per surface"
    )
    print(
        f"{'surface':<12}{'median':>9}{'p95':>9}{'naive med':>11}{'naive p95':>11}"
        f"{'speed-up':>10}  full redraws"
    )
    worst_median, worst_ratio = 0.0, np.inf
    for name, med, p95, naive_med, naive_p95, full in bench_moves():
        ratio = naive_med / med
        worst_median, worst_ratio = max(worst_median, med), min(worst_ratio, ratio)
        print(
            f"{name:<12}{med:>7.1f}ms{p95:>7.1f}ms{naive_med:>9.1f}ms{naive_p95:>9.1f}ms"
            f"{ratio:>9.1f}×  {full}"
        )
    print(
        f"target: median ≤ 30 ms -> worst {worst_median:.1f} ms "
        f"[{'met' if worst_median <= 30 else 'NOT MET'}]; ≥ 5× the naive re-plot -> worst "
        f"{worst_ratio:.1f}× [{'met' if worst_ratio >= 5 else 'NOT MET'}]"
    )
    print()
    print(f"Stability map: 100 × 100 hyperparameter grid, {STEPS} steps, computed and drawn")
    worst = 0.0
    for label, seconds in bench_maps():
        worst = max(worst, seconds)
        print(f"  {label:<48}{seconds:6.2f} s")
    print(f"target: ≤ 1 s -> worst {worst:.2f} s [{'met' if worst <= 1 else 'NOT MET'}]")


if __name__ == "__main__":
    main()

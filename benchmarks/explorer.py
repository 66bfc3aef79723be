"""How fast is the live explorer? A slider move, until the frame is rendered, against a naive
re-plot; moves of the other controls; replay frames; and the 100×100 stability map.

Run with ``make bench`` (or ``python benchmarks/explorer.py``). Targets: median ≤ 30 ms per move
(of η on every surface, and of steps, β, β2 and ε) and per replay frame (200 steps), at least
5× faster than the naive re-plot, and the stability map in ≤ 1 s. The surface dropdown draws
other contours: it is reported on its own, first visits of a surface apart from coming back to
one.
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


def there_and_back(values):
    values = [v.item() if hasattr(v, "item") else v for v in values]
    return values + values[::-1]


CONTROL_MOVES = [
    # label, optimizer, explorer keywords, control, values (there and back: MOVES moves)
    (
        "steps 150…250",
        "adam",
        {},
        "steps",
        there_and_back(np.linspace(150, 250, MOVES // 2).astype(int)),
    ),
    (
        "β, 3 compare ghosts",
        "momentum",
        {"compare": ("gd", "nesterov", "adam")},
        "momentum",
        there_and_back(np.round(1 - np.geomspace(1e-3, 0.5, MOVES // 2), 12)),
    ),
    (
        "β2",
        "adam",
        {},
        "beta_2",
        there_and_back(np.round(1 - np.geomspace(1e-4, 0.1, MOVES // 2), 12)),
    ),
    ("ε", "adam", {}, "epsilon", there_and_back(np.geomspace(1e-8, 1e-1, MOVES // 2))),
]


def bench_controls(surface="rosenbrock"):
    """Moves of steps, β, β2 and ε: (label, optimizer, median, p95, full redraws)."""
    rows = []
    for label, name, keywords, key, values in CONTROL_MOVES:
        e = explorer(name, surface=surface, steps=STEPS, **keywords)
        control = e.controls[key]
        control.value = values[0]
        full = e.redraws["full"]

        def move(value, control=control):
            control.value = value

        times = timed(move, values)
        assert e.message.value == "", e.message.value
        rows.append((label, name, *milliseconds(times), e.redraws["full"] - full, len(values)))
    return rows


REPLAYS = [
    # label, optimizer, explorer keywords
    ("replay frame", "adam", {}),
    ("replay, 3 ghosts", "momentum", {"compare": ("gd", "nesterov", "adam")}),
]


def bench_replay(surface="rosenbrock"):
    """Replay frames: the step slider from 0 to the end, as the play button moves it, each
    frame until it is rendered: (label, optimizer, median, p95, full redraws, frames)."""
    rows = []
    for label, name, keywords in REPLAYS:
        e = explorer(name, surface=surface, steps=STEPS, **keywords)
        slider = e.replay.slider
        slider.value = 0
        full, runs = e.redraws["full"], (e.result, dict(e.ghosts))
        values = list(range(1, STEPS + 1))

        def frame(value, slider=slider):
            slider.value = value

        times = timed(frame, values)
        assert e.message.value == "", e.message.value
        assert (e.result, e.ghosts) == runs, "a frame reruns nothing"
        rows.append((label, name, *milliseconds(times), e.redraws["full"] - full, len(values)))
    return rows


def bench_surfaces(rounds=10):
    """The surface dropdown, through every surface ``rounds`` times: the first visits (new
    contours, a full draw) and the moves back to a surface seen before, apart."""
    e = explorer("adam", surface="rosenbrock", steps=STEPS)
    names = surfaces.names()
    first, again, seen = [], [], {"rosenbrock"}
    full = e.redraws["full"]
    for name in [n for _ in range(rounds) for n in names[1:] + names[:1]]:
        start = time.perf_counter()
        e.controls["surface"].value = name
        (again if name in seen else first).append(time.perf_counter() - start)
        seen.add(name)
        assert e.message.value == "", e.message.value
    return first, again, e.redraws["full"] - full, e.redraws["kept"]


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
    print(f"Other controls on rosenbrock, {STEPS} steps: a move until the frame is rendered")
    print(f"{'control':<22}{'optimizer':<11}{'median':>9}{'p95':>9}  full redraws")
    worst_control = 0.0
    for label, name, med, p95, full, moves in bench_controls():
        worst_control = max(worst_control, med)
        print(f"{label:<22}{name:<11}{med:>7.1f}ms{p95:>7.1f}ms  {full} of {moves}")
    print(
        f"target: median ≤ 30 ms -> worst {worst_control:.1f} ms "
        f"[{'met' if worst_control <= 30 else 'NOT MET'}]"
    )
    first, again, full, kept = bench_surfaces()
    print(
        f"surface dropdown (Adam; not held to 30 ms: new contours): "
        f"{len(first) + len(again)} moves, {full} full redraws, {kept} kept backgrounds used"
    )
    print(
        f"  first visit of a surface ({len(first)}): median {milliseconds(first)[0]:.1f} ms, "
        f"p95 {milliseconds(first)[1]:.1f} ms"
    )
    print(
        f"  back to a surface seen ({len(again)}): median {milliseconds(again)[0]:.1f} ms, "
        f"p95 {milliseconds(again)[1]:.1f} ms"
    )
    print()
    print(f"Replay on rosenbrock, {STEPS} steps: a frame (the step slider moved by one, as the")
    print("play button moves it) until it is rendered; the runs are not computed again")
    print(f"{'control':<22}{'optimizer':<11}{'median':>9}{'p95':>9}  full redraws")
    worst_frame = 0.0
    for label, name, med, p95, full, frames in bench_replay():
        worst_frame = max(worst_frame, med)
        print(f"{label:<22}{name:<11}{med:>7.1f}ms{p95:>7.1f}ms  {full} of {frames}")
    print(
        f"target: median ≤ 30 ms -> worst {worst_frame:.1f} ms "
        f"[{'met' if worst_frame <= 30 else 'NOT MET'}]"
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

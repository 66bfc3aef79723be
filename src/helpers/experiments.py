"""Experiments that test the text's claims: races over many surfaces and starts, win rates,
tuned learning rates, rank correlations. Their verdicts are ``helpers.verdicts`` (the names
``verdict``, ``judge``, ``Verdict``, ``VERDICTS`` and ``collect_claims`` work here too).

    >>> from helpers import experiments
    >>> race = experiments.race({"GD": gd, "Momentum": momentum}, steps=500)
    >>> race.win_rate("Momentum", "GD")       # share of (surface, start) pairs won
    >>> experiments.verdict("Momentum almost always goes faster than GD", ...)

A race runs every optimizer from every start point of every surface (all at once per
optimizer and surface, through ``trajectories.run``) and records how many steps each needs to
get within a tolerance of the minimum. "A wins against B" on a (surface, start) pair when A
reaches the tolerance and B does not, or both do and A needs fewer steps; when neither does,
the lower final loss wins; equal counts are ties and count half.

To judge a claim on starts the tuner did not see, tune on each surface's listed starts
(``tuned_for_each_surface``) and race from ``held_out_starts`` (random starts within each
surface's window, drawn from a stated seed): ``race(..., starts=held_out_starts(seed=1))``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from . import portable, registry
from .deprecation import deprecated_names
from .optimizers import Optimizer
from .optimizers import get as get_optimizer
from .surfaces import get as get_surface
from .surfaces import names as surface_names
from .trajectories import run
from .verdicts import (  # noqa: F401 - the names notebooks call through experiments
    CLAIM_MIMETYPE,
    VERDICTS,
    Verdict,
    collect_claims,
    judge,
    verdict,
)


@dataclass
class Race:
    """The results of ``race``: one row per (optimizer, surface, start)."""

    labels: list[str]
    surfaces: list[str]
    rows: list[dict] = field(default_factory=list)
    steps: int = 0
    tolerance: float = 0.0

    def results(self, label: str) -> list[dict]:
        return [r for r in self.rows if r["label"] == label]

    def _pairs(self, a: str, b: str):
        by_key = {(r["surface"], r["start"]): r for r in self.results(b)}
        return [(r, by_key[(r["surface"], r["start"])]) for r in self.results(a)]

    @staticmethod
    def _score(ra, rb) -> float:
        """1 if a beats b, 0.5 for a tie, 0 if b beats a."""
        a_in, b_in = ra["steps_to"] is not None, rb["steps_to"] is not None
        if a_in != b_in:
            return 1.0 if a_in else 0.0
        if a_in:
            x, y = ra["steps_to"], rb["steps_to"]
        else:
            x, y = ra["final_gap"], rb["final_gap"]
            if np.isclose(x, y, rtol=1e-9, atol=0):
                return 0.5
        return 1.0 if x < y else 0.5 if x == y else 0.0

    def win_rate(self, a: str, b: str, surface: str | None = None) -> float:
        """Share of (surface, start) pairs on which ``a`` beats ``b`` (ties count half)."""
        pairs = [(ra, rb) for ra, rb in self._pairs(a, b) if surface in (None, ra["surface"])]
        return float(np.mean([self._score(ra, rb) for ra, rb in pairs]))

    def speedup(self, a: str, b: str) -> float:
        """Median of steps(b) / steps(a) over the pairs where both reach the tolerance."""
        ratios = [
            rb["steps_to"] / ra["steps_to"]
            for ra, rb in self._pairs(a, b)
            if ra["steps_to"] and rb["steps_to"]
        ]
        return float(np.median(ratios)) if ratios else float("nan")

    def reached(self, label: str) -> float:
        """Share of runs of ``label`` that reach the tolerance."""
        return float(np.mean([r["steps_to"] is not None for r in self.results(label)]))

    def table(self, surfaces=None, only_unreached: bool = False) -> str:
        """Steps to the tolerance per surface and start ('—' never, 'div' diverged). On a row
        where no optimizer reaches the tolerance, each cell shows its final J − J* instead
        ('— 3.2e-04'). ``surfaces``: only these; ``only_unreached``: only such rows."""
        width = max(12, *(len(label) + 2 for label in self.labels))
        lines = [f"{'surface':<12}{'start':<18}" + "".join(f"{lb:>{width}}" for lb in self.labels)]
        keys = dict.fromkeys((r["surface"], r["start"]) for r in self.rows)
        by = {(r["label"], r["surface"], r["start"]): r for r in self.rows}
        for surface, start in keys:
            if surfaces is not None and surface not in surfaces:
                continue
            row = [by[(label, surface, start)] for label in self.labels]
            neither = all(r["steps_to"] is None for r in row)
            if only_unreached and not neither:
                continue
            cells = []
            for r in row:
                cell = "div" if r["diverged"] else "—" if r["steps_to"] is None else r["steps_to"]
                if neither and not r["diverged"]:
                    cell = f"— {portable.show(r['final_gap'], '.1e', floor=1e-300)}"
                cells.append(f"{cell!s:>{width}}")
            lines.append(f"{surface:<12}{_point(start):<18}" + "".join(cells))
        return "\n".join(lines)

    def overview(self) -> str:
        """Per surface, three lines with a column per optimizer: how many starts reach the
        tolerance, their median steps, and the median final J − J* of the runs that do not
        ('div' if most of those diverged; '—' where there are none)."""
        width = max(12, *(len(label) + 2 for label in self.labels))
        lines = [f"{'surface':<12}{'':<24}" + "".join(f"{lb:>{width}}" for lb in self.labels)]
        for surface in self.surfaces:
            cells = [[], [], []]
            for label in self.labels:
                rows = [r for r in self.results(label) if r["surface"] == surface]
                steps = [r["steps_to"] for r in rows if r["steps_to"] is not None]
                gaps = [r["final_gap"] for r in rows if r["steps_to"] is None]
                cells[0].append(f"{len(steps)}/{len(rows)}")
                cells[1].append(f"{np.median(steps):.0f}" if steps else "—")
                cells[2].append(_median_gap(gaps) if gaps else "—")
            heads = (surface, ""), ("", ""), ("", "")
            whats = ("starts that reach it", "their median steps", "others: median J − J*")
            for (name, _), what, row in zip(heads, whats, cells):
                lines.append(f"{name:<12}{what:<24}" + "".join(f"{c:>{width}}" for c in row))
        return "\n".join(lines)

    def surface_table(self, a: str, b: str) -> str:
        """Per surface: how many starts ``a`` wins, ties and loses against ``b``, on how many
        neither reaches the tolerance (then the lower final loss decides), and there the median
        final J − J* of each ('div' if most of those runs diverged)."""
        lines = [f"{'surface':<12}{'starts':>7}{a + ' wins':>16}{'ties':>6}{b + ' wins':>16}"
                 f"{'neither':>9}   median final J − J* where neither: {a} / {b}"]  # fmt: skip
        for surface in self.surfaces:
            pairs = [(ra, rb) for ra, rb in self._pairs(a, b) if ra["surface"] == surface]
            scores = [self._score(ra, rb) for ra, rb in pairs]
            neither = [
                (ra, rb) for ra, rb in pairs if ra["steps_to"] is None and rb["steps_to"] is None
            ]
            finals = ""
            if neither:
                finals = "   " + " / ".join(
                    _median_gap([pair[i]["final_gap"] for pair in neither]) for i in (0, 1)
                )
            lines.append(
                f"{surface:<12}{len(pairs):>7}{scores.count(1.0):>16}{scores.count(0.5):>6}"
                f"{scores.count(0.0):>16}{len(neither):>9}{finals}"
            )
        return "\n".join(lines)

    def summary(self, a: str, b: str) -> str:
        per = ", ".join(f"{s} {self.win_rate(a, b, s):.0%}" for s in self.surfaces)
        return (
            f"{a} beats {b} on {self.win_rate(a, b):.0%} of {len(self._pairs(a, b))} "
            f"(surface, start) pairs ({per}); median speed-up where both converge: "
            f"{self.speedup(a, b):.2f}×"
        )


def _median_gap(gaps) -> str:
    """The median of final J − J* values, or 'div' when most of them are infinite (diverged)."""
    median = float(np.median(gaps))
    return "div" if not np.isfinite(median) else portable.show(median, ".1e", floor=1e-300)


def _point(start) -> str:
    return f"({start[0]:.3g}, {start[1]:.3g})"


#: The seed of the held-out starts, printed with every race that uses them.
HELD_OUT_SEED = 2024


def held_out_starts(surfaces=None, n: int = 16, seed: int = HELD_OUT_SEED) -> dict:
    """{surface name: n random start points}, drawn uniformly within each surface's window
    (``np.random.default_rng(seed)``, one stream per surface in the order given, so that the
    same seed gives the same starts on every CPU), none closer than 5 % of the window's width to
    a global minimum: starts the tuner did not see."""
    out = {}
    rng = np.random.default_rng(seed)
    for surface in [get_surface(s) for s in (surfaces or surface_names())]:
        xmin, xmax, ymin, ymax = surface.window
        points = []
        while len(points) < n:
            p = rng.uniform((xmin, ymin), (xmax, ymax))
            if surface.distance_to_minimum(p) >= 0.05 * (xmax - xmin):
                points.append(p)
        out[surface.name] = np.array(points)
    return out


def race(
    optimizers: dict[str, Optimizer | str | dict],
    surfaces=None,
    steps: int = 1000,
    tolerance: float = 1e-6,
    noise: float = 0.0,
    starts: dict | None = None,
) -> Race:
    """Run every optimizer from every start point of every surface.

    optimizers: {label: optimizer}, where an optimizer may also be a dict {surface name:
        optimizer} to give each surface its own settings (e.g. a tuned learning rate).
    surfaces: surface names (default all), or Surface objects.
    starts: {surface name: points of shape (n, 2)} to race from instead of each surface's
        listed starts (e.g. ``held_out_starts()``).
    """
    return race_over(optimizers, None, [None], surfaces, steps, tolerance, noise, starts)[None]


def race_over(
    optimizers: dict[str, Optimizer | str | dict],
    name: str | None,
    values,
    surfaces=None,
    steps: int = 1000,
    tolerance: float = 1e-6,
    noise: float = 0.0,
    starts: dict | None = None,
) -> dict:
    """``race`` once for each value of the hyperparameter ``name`` (say "learning_rate"),
    given to every optimizer: {value: Race}. All the values run at once, as one grid per
    optimizer and surface. ``name=None`` (and ``values=[None]``) races the optimizers as given.
    """
    surfaces = [get_surface(s) for s in (surfaces or surface_names())]
    results = {
        value: Race(list(optimizers), [s.name for s in surfaces], steps=steps, tolerance=tolerance)
        for value in values
    }
    for label, spec in optimizers.items():
        for surface in surfaces:
            optimizer = get_optimizer(spec[surface.name] if isinstance(spec, dict) else spec)
            points = surface.starts if starts is None else starts[surface.name]
            starts_ = np.array(points, dtype=float)
            if name is not None:
                optimizer = optimizer.replace(**{name: np.asarray(values, dtype=float)})
            r = run(
                optimizer,
                surface,
                start=starts_ if name is None else starts_[:, None, :],
                steps=steps,
                noise=noise,
                record_state=False,
                keep_path=False,
            )
            reached = r.steps_to(tolerance).reshape(len(starts_), -1)
            diverged = np.asarray(r.diverged).reshape(len(starts_), -1)
            gaps = np.where(
                diverged, np.inf, r.final_loss.reshape(len(starts_), -1) - surface.min_value
            )
            for j, value in enumerate(values):
                for i, start in enumerate(map(tuple, starts_.tolist())):
                    results[value].rows.append(
                        {
                            "label": label,
                            "surface": surface.name,
                            "start": tuple(start),
                            "steps_to": None if reached[i, j] < 0 else int(reached[i, j]),
                            "final_gap": float(gaps[i, j]),
                            "diverged": bool(diverged[i, j]),
                        }
                    )
    return results


def tuned(
    name: str,
    surface,
    learning_rates=None,
    steps: int = 1000,
    tolerance: float = 1e-6,
    also: tuple[str, object] | None = None,
    **hyperparameters,
) -> Optimizer:
    """The optimizer with the learning rate (and, with ``also=("momentum", values)``, the value
    of a second hyperparameter) that needs the fewest steps to the tolerance, summed over the
    surface's start points. A run that never gets there costs ``steps``, a divergence twice
    that; among equal costs the lowest mean final loss wins. Every combination runs at once."""
    surface = get_surface(surface)
    rates = portable.logspace(-4, 0.5, 46) if learning_rates is None else np.asarray(learning_rates)
    base = get_optimizer(name, **hyperparameters)
    if also is None:
        grid = base.replace(learning_rate=rates)
        starts = np.array(surface.starts)[:, None, :]
    else:
        other, values = also[0], np.asarray(also[1], dtype=float)
        grid = base.replace(learning_rate=rates[:, None], **{other: values[None, :]})
        starts = np.array(surface.starts)[:, None, None, :]
    r = run(grid, surface, start=starts, steps=steps, record_state=False, keep_path=False)
    reached = r.steps_to(tolerance)
    cost = np.where(r.diverged, 2 * steps, np.where(reached >= 0, reached, steps)).sum(0)
    gaps = np.where(r.diverged, np.inf, r.final_loss - surface.min_value).mean(0)
    best = np.unravel_index(np.lexsort((gaps.ravel(), cost.ravel()))[0], cost.shape)
    chosen = {"learning_rate": float(rates[best[0]])}
    if also is not None:
        chosen[other] = float(values[best[1]])
    return base.replace(**chosen)


def tuned_for_each_surface(name: str, surfaces=None, **kwargs) -> dict[str, Optimizer]:
    """``tuned`` on every surface: {surface name: optimizer}, ready for ``race``."""
    return {s: tuned(name, s, **kwargs) for s in (surfaces or surface_names())}


# --------------------------------------------------------------------------------------------
# Comparing optimizers by groups and by rank


def group_win_rates(beats: Callable[[str, str], float], stars: dict[str, int]) -> dict:
    """How often the optimizer with more stars wins, for every pair rated differently.

    beats(a, b): 1 when a beats b, 0 when it loses, ½ for a tie; stars: {name: stars}, e.g. the
    book's one star for SGD, two for momentum and Nesterov, three for the adaptive methods.
    Returns {(more, fewer): share won} for each pair of star groups (2, 1), (3, 2), (3, 1)
    present, and "all": the share over every such pair."""
    pairs = [(a, b) for a in stars for b in stars if stars[a] > stars[b]]
    out = {}
    for hi, lo in ((2, 1), (3, 2), (3, 1)):
        group = [(a, b) for a, b in pairs if (stars[a], stars[b]) == (hi, lo)]
        if group:
            out[(hi, lo)] = float(np.mean([beats(a, b) for a, b in group]))
    out["all"] = float(np.mean([beats(a, b) for a, b in pairs]))
    return out


def share_smaller(
    values: dict, group: Iterable[str], others: Iterable[str], tie: float = 0.0
) -> float:
    """The share of pairs (a in group, b in others) with values[a] < values[b]; a pair closer
    than ``tie`` counts half."""
    others = list(others)
    return float(
        np.mean(
            [
                0.5 if abs(values[a] - values[b]) < tie else float(values[a] < values[b])
                for a in group
                for b in others
            ]
        )
    )


def ranks(values) -> np.ndarray:
    """Place of each value, 1 for the smallest (ties in the order given)."""
    return np.argsort(np.argsort(values)) + 1


def spearman(a, b) -> float:
    """Spearman's rank correlation: the correlation of the two rankings."""
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


__getattr__ = deprecated_names(
    __name__,
    {
        "display_name": (
            lambda optimizer: registry.display_name(optimizer.kind),
            "helpers.registry.display_name(optimizer.kind)",
        )
    },
)

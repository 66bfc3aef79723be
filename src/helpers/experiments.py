"""Experiments that test the text's claims: races over many surfaces and starts, win rates,
tuned learning rates, and verdicts that the claims table of the course is built from.

    >>> from helpers import experiments
    >>> race = experiments.race({"GD": gd, "Momentum": momentum}, steps=500)
    >>> race.win_rate("Momentum", "GD")       # share of (surface, start) pairs won
    >>> experiments.verdict("Momentum almost always goes faster than GD", ...)

A race runs every optimizer from every start point of every surface (all at once per
optimizer and surface, through ``trajectories.run``) and records how many steps each needs to
get within a tolerance of the minimum. "A wins against B" on a (surface, start) pair when A
reaches the tolerance and B does not, or both do and A needs fewer steps; when neither does,
the lower final loss wins; equal counts are ties and count half.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from . import portable
from .optimizers import DISPLAY_NAMES, Optimizer
from .optimizers import get as get_optimizer
from .surfaces import get as get_surface
from .surfaces import names as surface_names
from .trajectories import run

CLAIM_MIMETYPE = "application/vnd.faster-optimizers.claim+json"


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

    def table(self) -> str:
        """Steps to the tolerance per surface and start ('—' never, 'div' diverged)."""
        width = max(12, *(len(label) + 2 for label in self.labels))
        lines = [f"{'surface':<12}{'start':<18}" + "".join(f"{lb:>{width}}" for lb in self.labels)]
        keys = dict.fromkeys((r["surface"], r["start"]) for r in self.rows)
        by = {(r["label"], r["surface"], r["start"]): r for r in self.rows}
        for surface, start in keys:
            cells = []
            for label in self.labels:
                r = by[(label, surface, start)]
                cell = "div" if r["diverged"] else "—" if r["steps_to"] is None else r["steps_to"]
                cells.append(f"{cell!s:>{width}}")
            lines.append(f"{surface:<12}{_point(start):<18}" + "".join(cells))
        return "\n".join(lines)

    def summary(self, a: str, b: str) -> str:
        per = ", ".join(f"{s} {self.win_rate(a, b, s):.0%}" for s in self.surfaces)
        return (
            f"{a} beats {b} on {self.win_rate(a, b):.0%} of {len(self._pairs(a, b))} "
            f"(surface, start) pairs ({per}); median speed-up where both converge: "
            f"{self.speedup(a, b):.2f}×"
        )


def _point(start) -> str:
    return f"({start[0]:g}, {start[1]:g})"


def race(
    optimizers: dict[str, Optimizer | str | dict],
    surfaces=None,
    steps: int = 1000,
    tolerance: float = 1e-6,
    noise: float = 0.0,
) -> Race:
    """Run every optimizer from every start point of every surface.

    optimizers: {label: optimizer}, where an optimizer may also be a dict {surface name:
        optimizer} to give each surface its own settings (e.g. a tuned learning rate).
    surfaces: surface names (default all), or Surface objects.
    """
    surfaces = [get_surface(s) for s in (surfaces or surface_names())]
    result = Race(list(optimizers), [s.name for s in surfaces], steps=steps, tolerance=tolerance)
    for label, spec in optimizers.items():
        for surface in surfaces:
            optimizer = get_optimizer(spec[surface.name] if isinstance(spec, dict) else spec)
            starts = np.array(surface.starts)
            r = run(
                optimizer,
                surface,
                start=starts,
                steps=steps,
                noise=noise,
                record_state=False,
                keep_path=False,
            )
            reached = r.steps_to(tolerance)
            gaps = np.where(r.diverged, np.inf, r.final_loss - surface.min_value)
            for i, start in enumerate(surface.starts):
                result.rows.append(
                    {
                        "label": label,
                        "surface": surface.name,
                        "start": tuple(start),
                        "steps_to": None if reached[i] < 0 else int(reached[i]),
                        "final_gap": float(gaps[i]),
                        "diverged": bool(r.diverged[i]),
                    }
                )
    return result


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
# Verdicts


VERDICTS = ("holds", "holds partly", "does not hold")


class Verdict:
    """A claim, the experiment that tested it, the verdict and the numbers.

    Displayed as a short box in notebooks, and carried as JSON (``CLAIM_MIMETYPE``) in the
    notebook's outputs, from which ``docs/claims.md`` is built.
    """

    def __init__(self, claim, experiment, verdict, numbers, notebook="", source="Hands-On ML"):
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        self.data = {
            "notebook": notebook,
            "claim": claim,
            "source": source,
            "experiment": experiment,
            "verdict": verdict,
            "numbers": numbers,
        }

    def __repr__(self) -> str:
        d = self.data
        return (
            f"CLAIM: {d['claim']}\nEXPERIMENT: {d['experiment']}\n"
            f"VERDICT: {d['verdict'].upper()}: {d['numbers']}"
        )

    def _repr_html_(self) -> str:
        import html

        d = {k: html.escape(str(v)) for k, v in self.data.items()}
        colour = {"holds": "#1b7837", "holds partly": "#b35806", "does not hold": "#b2182b"}
        c = colour[self.data["verdict"]]
        return (
            f"<div style='border-left:4px solid {c};padding:4px 10px;margin:4px 0'>"
            f"<div><b>Claim</b> ({d['source']}): <i>{d['claim']}</i></div>"
            f"<div><b>Experiment</b>: {d['experiment']}</div>"
            f"<div><b>Verdict</b>: <b style='color:{c}'>{d['verdict']}</b>. {d['numbers']}</div>"
            "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": repr(self),
            "text/html": self._repr_html_(),
            CLAIM_MIMETYPE: json.loads(json.dumps(self.data)),
        }


def verdict(claim, experiment, verdict, numbers, notebook="", source="Hands-On ML") -> Verdict:
    """Record a claim's verdict (display the result in a notebook cell)."""
    return Verdict(claim, experiment, verdict, numbers, notebook=notebook, source=source)


def collect_claims(folder=None) -> list[dict]:
    """Every verdict recorded in the executed notebooks of ``folder`` (default: the checkout's
    ``notebooks/``), in notebook order: a list of dicts with notebook, claim, source,
    experiment, verdict and numbers. Notebooks not run yet contribute nothing."""
    from pathlib import Path

    from .config import project_root

    if folder is None:
        root = project_root()
        if root is None:
            return []
        folder = root / "notebooks"
    claims = []
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {}).get(CLAIM_MIMETYPE)
                if data:
                    claims.append({**data, "notebook": data.get("notebook") or path.stem})
    return claims


def judge(rate: float, holds: float = 0.8, partly: float = 0.5) -> str:
    """A verdict from a win rate: "holds" at ≥ 80 %, "holds partly" at ≥ 50 %, else not."""
    return VERDICTS[0] if rate >= holds else VERDICTS[1] if rate >= partly else VERDICTS[2]


def display_name(optimizer: Optimizer) -> str:
    return DISPLAY_NAMES.get(optimizer.kind, optimizer.kind)

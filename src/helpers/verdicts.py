"""Verdicts on the text's claims: how a share of wins becomes a verdict, how a verdict is shown
in a notebook, and how the claims table is read back from the executed notebooks.

    >>> from helpers import verdicts
    >>> verdicts.judge(0.85)
    'holds'
    >>> verdicts.verdict("Momentum goes faster than GD", "a race on 6 surfaces", "holds", "85 %",
    ...                  metric="faster", caveat="tuned on 4 starts, scored on 16 held-out ones")

Four verdicts: "holds", "holds partly", "does not hold", and "inconclusive at this scale",
which names the experiment that would decide (``decide=``). Each claim of a kind is judged by
the same metric in every notebook (``METRICS``): "faster" is the epochs (on a 2D surface, the
steps) to reach a stated training-loss target, "better" the best validation loss. Where a
claim is judged on several seeds, ``across_seeds`` gives each optimizer's mean and spread, and
``outcome`` calls a difference smaller than the spread between seeds no win.

A verdict displays as a short box, and travels as JSON (``CLAIM_MIMETYPE``) in the notebook's
outputs, from which notebook 08's table and ``docs/claims.md`` (``make claims``) are built.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

import numpy as np

CLAIM_MIMETYPE = "application/vnd.faster-optimizers.claim+json"
INCONCLUSIVE = "inconclusive at this scale"
VERDICTS = ("holds", "holds partly", "does not hold", INCONCLUSIVE)
COLOURS = {
    "holds": "#1b7837",
    "holds partly": "#b35806",
    "does not hold": "#b2182b",
    INCONCLUSIVE: "#4d4d4d",
}

#: The seeds of every Fashion-MNIST comparison (initial weights and order of batches).
SEEDS = (42, 43, 44)

#: The stated training-loss target of the "faster" metric on Fashion-MNIST.
TARGET_LOSS = 0.4

#: One metric per kind of claim, the same in every notebook: {kind: what is measured}.
METRICS = {
    "faster": "epochs (on a 2D surface: steps) to reach a stated training-loss target",
    "better": "best validation loss over the epochs",
}


def judge(rate: float, holds: float = 0.8, partly: float = 0.5) -> str:
    """A verdict from a win rate: "holds" at ≥ 80 %, "holds partly" at ≥ 50 %, else not."""
    return VERDICTS[0] if rate >= holds else VERDICTS[1] if rate >= partly else VERDICTS[2]


def judge_outcomes(outcomes, holds: float = 0.8, partly: float = 0.5) -> str:
    """A verdict from the outcomes of ``outcome`` (+1 a win, 0 within the spread between seeds,
    −1 a loss), one per setting compared (say per learning rate): "holds" when ≥ 80 % are
    wins, "holds partly" at ≥ 50 %, "does not hold" when ≥ 50 % are losses, and otherwise
    "inconclusive at this scale": most differences are within the noise between seeds."""
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("no outcomes to judge")
    wins = sum(o > 0 for o in outcomes) / len(outcomes)
    losses = sum(o < 0 for o in outcomes) / len(outcomes)
    if wins >= partly:
        return judge(wins, holds, partly)
    return VERDICTS[2] if losses >= partly else INCONCLUSIVE


class Verdict:
    """A claim, the experiment that tested it, the verdict and the numbers."""

    def __init__(
        self,
        claim,
        experiment,
        verdict,
        numbers,
        notebook="",
        source="Hands-On ML",
        caveat="",
        metric="",
        decide="",
    ):
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        if verdict == INCONCLUSIVE and not decide:
            raise ValueError(f"{INCONCLUSIVE!r} needs decide=: the experiment that would decide")
        if metric and metric not in METRICS:
            raise ValueError(f"metric must be one of {tuple(METRICS)} (or empty), got {metric!r}")
        self.data = {
            "notebook": notebook,
            "claim": claim,
            "source": source,
            "experiment": experiment,
            "verdict": verdict,
            "numbers": numbers,
            "caveat": caveat,
            "metric": f"{metric}: {METRICS[metric]}" if metric else "",
            "decide": decide if verdict == INCONCLUSIVE else "",
        }

    def __repr__(self) -> str:
        d = self.data
        text = f"CLAIM: {d['claim']}\nEXPERIMENT: {d['experiment']}\n"
        if d["metric"]:
            text += f"METRIC: {d['metric']}\n"
        text += f"VERDICT: {d['verdict'].upper()}: {d['numbers']}"
        if d["decide"]:
            text += f"\nWOULD DECIDE IT: {d['decide']}"
        if d["caveat"]:
            text += f"\nCAVEAT: {d['caveat']}"
        return text

    def _repr_html_(self) -> str:
        d = {k: html.escape(str(v)) for k, v in self.data.items()}
        c = COLOURS[self.data["verdict"]]
        extra = "".join(
            f"<div><b>{title}</b>: {d[key]}</div>"
            for key, title in (("decide", "Would decide it"), ("caveat", "Caveat"))
            if d.get(key)
        )
        metric = f"<div><b>Metric</b>: {d['metric']}</div>" if d.get("metric") else ""
        return (
            f"<div style='border-left:4px solid {c};padding:4px 10px;margin:4px 0'>"
            f"<div><b>Claim</b> ({d['source']}): <i>{d['claim']}</i></div>"
            f"<div><b>Experiment</b>: {d['experiment']}</div>{metric}"
            f"<div><b>Verdict</b>: <b style='color:{c}'>{d['verdict']}</b>. {d['numbers']}</div>"
            f"{extra}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": repr(self),
            "text/html": self._repr_html_(),
            CLAIM_MIMETYPE: json.loads(json.dumps(self.data)),
        }


def verdict(*args, **kwargs) -> Verdict:
    """Record a claim's verdict (display the result in a notebook cell). The arguments are
    ``Verdict``'s: claim, experiment, verdict, numbers; by keyword notebook, source and

    caveat: what the verdict rests on (seeds, spread between seeds, held-out starts);
    metric: a key of ``METRICS`` ("faster", "better") or empty for a claim of another kind;
    decide: for "inconclusive at this scale", the experiment that would decide it (given with a
    verdict computed in code, it is kept only when that verdict is "inconclusive")."""
    return Verdict(*args, **kwargs)


def claims_table_html(claims) -> str:
    """The claims (dicts as ``Verdict.data``) as an HTML table, each verdict in its colour."""
    rows = "".join(
        f"<tr><td>{html.escape(c['notebook'])}</td>"
        f"<td style='text-align:left'><i>{html.escape(c['claim'])}</i><br>"
        f"<small>{html.escape(c['source'])}</small></td>"
        f"<td style='color:{COLOURS[c['verdict']]}'><b>{c['verdict']}</b></td>"
        f"<td style='text-align:left'><small>{html.escape(c.get('metric', ''))}</small></td>"
        f"<td style='text-align:left'><small>{html.escape(c['numbers'])}</small></td>"
        f"<td style='text-align:left'><small>{html.escape(c.get('caveat', ''))}</small></td></tr>"
        for c in claims
    )
    return (
        "<table><tr><th>notebook</th><th>claim (source)</th><th>verdict</th><th>metric</th>"
        f"<th>the numbers</th><th>caveat</th></tr>{rows}</table>"
    )


def claims_table(claims):
    """The claims table, for display in a notebook."""
    from IPython.display import HTML

    return HTML(claims_table_html(claims))


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


# --------------------------------------------------------------------------------------------
# Comparing across seeds


def epochs_to(history, target: float, metric: str = "loss") -> float:
    """The first epoch (from 1) at which ``metric`` (default the training loss) is at or below
    ``target``; ``inf`` if it never gets there (the "faster" metric)."""
    values = np.asarray(history.history[metric], dtype=float)
    reached = np.flatnonzero(values <= target)
    return float(reached[0] + 1) if reached.size else math.inf


def measure(history, metric: str, target: float | None = None) -> float:
    """A run's value of the declared metric: "better" (best validation loss, lower is better)
    or "faster" (epochs to a training loss ≤ ``target``, fewer is faster)."""
    if metric == "better":
        values = np.asarray(history.history["val_loss"], dtype=float)
        return float(np.nanmin(values)) if not np.isnan(values).all() else math.inf
    if metric == "faster":
        if target is None:
            raise ValueError('the "faster" metric needs target=: the training loss to reach')
        return epochs_to(history, target)
    raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")


@dataclass(frozen=True)
class Spread:
    """One optimizer's values of a metric over seeds: {seed: value}. Lower is better for both
    metrics; a run that never reaches the target counts as ``inf``."""

    values: dict

    @property
    def seeds(self) -> tuple:
        return tuple(self.values)

    @property
    def array(self) -> np.ndarray:
        return np.array(list(self.values.values()), dtype=float)

    @property
    def mean(self) -> float:
        return float(self.array.mean())

    @property
    def sd(self) -> float:
        a = self.array
        return float(a.std(ddof=1)) if len(a) > 1 and np.isfinite(a).all() else math.nan

    @property
    def low(self) -> float:
        return float(self.array.min())

    @property
    def high(self) -> float:
        return float(self.array.max())

    @property
    def range(self) -> float:
        """max − min over the seeds (0 for one seed, inf if only some runs get there)."""
        a = self.array
        if np.isinf(a).all():
            return 0.0
        return float(a.max() - a.min())

    def show(self, spec: str = ".4f") -> str:
        """'0.3312 (0.3290–0.3350)': the mean and, in brackets, the lowest and highest seed;
        'never' where no seed gets there."""

        def one(v):
            return "never" if math.isinf(v) else format(v, spec)

        if len(self.values) == 1 or np.isinf(self.array).all():
            return one(self.low)
        return f"{one(self.mean)} ({one(self.low)}–{one(self.high)})"


def across_seeds(runs: dict, metric: str, target: float | None = None) -> dict[object, Spread]:
    """{label: Spread} from {label: {seed: History}} (what ``training.compare`` and ``sweep``
    return with ``seeds=``), for the declared ``metric`` ("better" or "faster" with
    ``target``)."""
    return {
        label: Spread({seed: measure(h, metric, target) for seed, h in by_seed.items()})
        for label, by_seed in runs.items()
    }


def outcome(a: Spread, b: Spread) -> int:
    """+1 if ``a`` beats ``b`` (lower mean by more than the spread between seeds, the larger of
    the two ranges), −1 if ``b`` beats ``a`` so, 0 if the difference is within that spread.
    Where one never gets there on any seed and the other does on every seed, that decides."""
    xa, xb = a.array, b.array
    if np.isfinite(xa).all() and np.isinf(xb).all():
        return 1
    if np.isinf(xa).all() and np.isfinite(xb).all():
        return -1
    if not (np.isfinite(xa).all() and np.isfinite(xb).all()):
        return 0  # some seeds get there and some do not: no clear difference
    difference = b.mean - a.mean
    spread = max(a.range, b.range)
    if abs(difference) <= spread:
        return 0
    return 1 if difference > 0 else -1


def seeds_caveat(spreads: dict, metric: str, spec: str = ".4f") -> str:
    """The caveat of a verdict judged on seeds: how many, which, and the largest spread."""
    seeds = sorted({s for sp in spreads.values() for s in sp.seeds})
    ranges = [sp.range for sp in spreads.values() if math.isfinite(sp.range)]
    widest = format(max(ranges), spec) if ranges else "n/a"
    unit = "epochs" if metric == "faster" else "in best validation loss"
    return (
        f"{len(seeds)} seeds ({', '.join(map(str, seeds))}); spread between seeds (max − min) up "
        f"to {widest} {unit}; a smaller difference counts as no win"
    )


@dataclass(frozen=True)
class SeedComparison:
    """Two optimizers over seeds, at several settings (say learning rates): {key: (Spread of
    a, Spread of b)}, and the outcome at each (+1 a wins, 0 within the spread, −1 b wins)."""

    a: str
    b: str
    metric: str
    target: float | None
    spreads: dict

    @property
    def outcomes(self) -> dict:
        return {key: outcome(sa, sb) for key, (sa, sb) in self.spreads.items()}

    def counts(self) -> tuple[int, int, int]:
        """(wins of a, differences within the spread, wins of b)."""
        o = list(self.outcomes.values())
        return o.count(1), o.count(0), o.count(-1)

    def judge(self) -> str:
        """The verdict on "a is faster (better) than b": ``judge_outcomes``."""
        return judge_outcomes(self.outcomes.values())

    def caveat(self) -> str:
        spreads = {(k, i): sp for k, pair in self.spreads.items() for i, sp in enumerate(pair)}
        return seeds_caveat(spreads, self.metric, ".0f" if self.metric == "faster" else ".4f")

    def table(self, key_name: str = "η") -> str:
        """One line per setting: each optimizer's mean (min–max over the seeds) and who wins."""
        spec = ".1f" if self.metric == "faster" else ".4f"
        what = (
            f"epochs to training loss ≤ {self.target:g}"
            if self.metric == "faster"
            else "best validation loss"
        )
        word = {1: self.a, 0: "within spread", -1: self.b}
        width = max(24, len(self.a) + 2, len(self.b) + 2)
        lines = [
            f"{what}, mean (min–max) over {len(next(iter(self.spreads.values()))[0].values)} seeds",
            f"{key_name:>8}{self.a:>{width}}{self.b:>{width}}   winner",
        ]
        for key, (sa, sb) in self.spreads.items():
            lines.append(
                f"{key!s:>8}{sa.show(spec):>{width}}{sb.show(spec):>{width}}   "
                f"{word[outcome(sa, sb)]}"
            )
        return "\n".join(lines)


def compare_seeds(
    runs_a: dict, runs_b: dict, metric: str, target: float | None = None, a="A", b="B"
) -> SeedComparison:
    """Compare two optimizers across seeds at each common setting: ``runs_a`` and ``runs_b``
    are {key: {seed: History}} (what ``training.sweep(..., seeds=SEEDS)`` returns, or
    {label: {seed: History}} from ``training.compare``), judged by the declared ``metric``."""
    spreads = {}
    for key in runs_a:
        if key in runs_b:
            pair = across_seeds({0: runs_a[key], 1: runs_b[key]}, metric, target)
            spreads[key] = (pair[0], pair[1])
    if not spreads:
        raise ValueError("no setting in common between the two sets of runs")
    return SeedComparison(a, b, metric, target, spreads)

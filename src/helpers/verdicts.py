"""Verdicts on the text's claims: how a share of wins becomes a verdict, how a verdict is shown
in a notebook, and how the claims table is read back from the executed notebooks.

    >>> from helpers import verdicts
    >>> verdicts.judge(0.85)
    'holds'
    >>> verdicts.verdict("Momentum goes faster than GD", "a race on 6 surfaces", "holds", "85 %")

A verdict displays as a short box, and travels as JSON (``CLAIM_MIMETYPE``) in the notebook's
outputs, from which notebook 08's table and ``docs/claims.md`` (``make claims``) are built.
"""

from __future__ import annotations

import html
import json

CLAIM_MIMETYPE = "application/vnd.faster-optimizers.claim+json"
VERDICTS = ("holds", "holds partly", "does not hold")
COLOURS = {"holds": "#1b7837", "holds partly": "#b35806", "does not hold": "#b2182b"}


def judge(rate: float, holds: float = 0.8, partly: float = 0.5) -> str:
    """A verdict from a win rate: "holds" at ≥ 80 %, "holds partly" at ≥ 50 %, else not."""
    return VERDICTS[0] if rate >= holds else VERDICTS[1] if rate >= partly else VERDICTS[2]


class Verdict:
    """A claim, the experiment that tested it, the verdict and the numbers."""

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
        d = {k: html.escape(str(v)) for k, v in self.data.items()}
        c = COLOURS[self.data["verdict"]]
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


def claims_table_html(claims) -> str:
    """The claims (dicts as ``Verdict.data``) as an HTML table, each verdict in its colour."""
    rows = "".join(
        f"<tr><td>{html.escape(c['notebook'])}</td>"
        f"<td style='text-align:left'><i>{html.escape(c['claim'])}</i><br>"
        f"<small>{html.escape(c['source'])}</small></td>"
        f"<td style='color:{COLOURS[c['verdict']]}'><b>{c['verdict']}</b></td>"
        f"<td style='text-align:left'><small>{html.escape(c['numbers'])}</small></td></tr>"
        for c in claims
    )
    return (
        "<table><tr><th>notebook</th><th>claim (source)</th><th>verdict</th>"
        f"<th>the numbers</th></tr>{rows}</table>"
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

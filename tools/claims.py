"""docs/claims.md: every claim the notebooks test, with the experiment, the verdict and the
numbers, read from the verdicts recorded in the executed notebooks (never typed by hand).

    python tools/claims.py          # write docs/claims.md
    python tools/claims.py --check  # exit status 1 if docs/claims.md is out of date
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from helpers.verdicts import INCONCLUSIVE, METRICS, collect_claims

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "claims.md"
MARK = {
    "holds": "✅ holds",
    "holds partly": "🟡 holds partly",
    "does not hold": "❌ does not hold",
    "inconclusive at this scale": "⚪ inconclusive at this scale",
}


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render(claims: list[dict]) -> str:
    counts = Counter(c["verdict"] for c in claims)
    lines = [
        "# The claims, tested",
        "",
        "Every claim about an optimizer that the course tests, with the experiment that tested it,",
        "the metric that judged it, the verdict, the numbers of the full run and what the verdict",
        "rests on (seeds, spread between seeds, held-out starts). This page is built from the",
        "notebooks' outputs by `make claims` (`python tools/claims.py`); a test checks it is up",
        "to date. The metrics, the same in every notebook:",
        "",
        *(f"- **{kind}**: {text}" for kind, text in METRICS.items()),
        "",
        f"{len(claims)} claims: {counts['holds']} hold, {counts['holds partly']} hold partly, "
        f"{counts['does not hold']} do not hold, {counts[INCONCLUSIVE]} inconclusive at this "
        "scale.",
        "",
        "| notebook | claim (source) | experiment | metric | verdict | numbers | caveat |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in claims:
        link = f"[{c['notebook']}](../notebooks/{c['notebook']}.ipynb)"
        numbers = cell(c["numbers"])
        if c.get("decide"):
            numbers += f" Would decide it: {cell(c['decide'])}"
        lines.append(
            f"| {link} | {cell(c['claim'])} ({cell(c['source'])}) | {cell(c['experiment'])} "
            f"| {cell(c.get('metric') or '—')} | {MARK[c['verdict']]} | {numbers} "
            f"| {cell(c.get('caveat') or '—')} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = render(collect_claims(ROOT / "notebooks"))
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/claims.md is out of date: run `make claims`")
            sys.exit(1)
        sys.exit(0)
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {text.count('| [')} claims")

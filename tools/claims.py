"""docs/claims.md: every claim the notebooks test, with the experiment, the verdict and the
numbers, read from the verdicts recorded in the executed notebooks (never typed by hand).

    python tools/claims.py          # write docs/claims.md
    python tools/claims.py --check  # exit status 1 if docs/claims.md is out of date
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from helpers.verdicts import collect_claims

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "claims.md"
MARK = {"holds": "✅ holds", "holds partly": "🟡 holds partly", "does not hold": "❌ does not hold"}


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render(claims: list[dict]) -> str:
    counts = Counter(c["verdict"] for c in claims)
    lines = [
        "# The claims, tested",
        "",
        "Every claim about an optimizer that the course tests, with the experiment that tested it,",
        "the verdict and the numbers of the full run. This page is built from the notebooks'",
        "outputs by `make claims` (`python tools/claims.py`); a test checks it is up to date.",
        "",
        f"{len(claims)} claims: {counts['holds']} hold, {counts['holds partly']} hold partly, "
        f"{counts['does not hold']} do not hold.",
        "",
        "| notebook | claim (source) | experiment | verdict | numbers |",
        "|---|---|---|---|---|",
    ]
    for c in claims:
        link = f"[{c['notebook']}](../notebooks/{c['notebook']}.ipynb)"
        lines.append(
            f"| {link} | {cell(c['claim'])} ({cell(c['source'])}) | {cell(c['experiment'])} "
            f"| {MARK[c['verdict']]} | {cell(c['numbers'])} |"
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
    print(f"{TARGET.relative_to(ROOT)}: {text.count(chr(10)) - 10} claims")

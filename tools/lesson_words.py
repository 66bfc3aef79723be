"""How much a learner reads in each notebook: markdown words before and after the heading
"## Going further (optional)", and before the first explorer.

    python tools/lesson_words.py                 # the notebooks in notebooks/
    python tools/lesson_words.py --rev 3847be9   # the notebooks as committed at a git revision
    python tools/lesson_words.py 05_adam 06      # only these (a prefix of the file name)

A word is a whitespace-separated token of a markdown cell's source, outside fenced code blocks
(lines between ``` fences are not prose) and outside HTML tags standing alone on a line (such as
<details> and <summary>...</summary>); formulas count as their tokens. A notebook without the
heading has every word before it. The first explorer is the first code cell that calls
``explorer(``, ``schedule_explorer(`` or ``rate_explorer(`` (directly or as
``widgets.explorer(``); a notebook without one shows "-".
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOING_FURTHER = "## Going further (optional)"
EXPLORER = re.compile(r"(?<![\w.])(?:widgets\.)?(?:schedule_|rate_)?explorer\(")
TAG_LINE = re.compile(r"^\s*</?\w+[^>]*>(?:.*</\w+>)?\s*$")


def words(markdown: str) -> int:
    """Whitespace-separated tokens of a markdown source, outside code fences and tag lines."""
    count, fenced = 0, False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or TAG_LINE.match(line):
            continue
        count += len(line.split())
    return count


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def counts(notebook: dict) -> dict:
    """Words before "Going further", after it, and before the first explorer (None: no explorer)."""
    before = after = 0
    first_explorer = None
    further = False
    for cell in notebook["cells"]:
        text = source(cell)
        if cell["cell_type"] == "code":
            if first_explorer is None and any(
                EXPLORER.search(line) and not line.lstrip().startswith("#")
                for line in text.splitlines()
            ):
                first_explorer = before + after
            continue
        if cell["cell_type"] != "markdown":
            continue
        for part in re.split(r"(?m)^(?=## )", text):
            if part.startswith(GOING_FURTHER):
                further = True
            if further:
                after += words(part)
            else:
                before += words(part)
    return {"before": before, "after": after, "explorer": first_explorer}


def notebooks(rev: str | None, only: list[str]) -> dict[str, dict]:
    """Each notebook's JSON by name, from the work tree or from a git revision."""
    if rev is None:
        paths = {
            path.stem: path.read_text() for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
        }
    else:
        listing = subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, "notebooks/"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        paths = {
            Path(name).stem: subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{rev}:{name}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for name in sorted(listing)
            if name.endswith(".ipynb")
        }
    return {
        name: json.loads(text)
        for name, text in paths.items()
        if not only or any(name.startswith(prefix) for prefix in only)
    }


def table(rows: dict[str, dict]) -> str:
    lines = [
        "| notebook | before Going further | after | before the first explorer |",
        "|---|---:|---:|---:|",
    ]
    for name, row in rows.items():
        explorer = "-" if row["explorer"] is None else f"{row['explorer']:,}"
        lines.append(f"| {name} | {row['before']:,} | {row['after']:,} | {explorer} |")
    total = {key: sum(row[key] for row in rows.values()) for key in ("before", "after")}
    lines.append(f"| all | {total['before']:,} | {total['after']:,} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook name prefixes (default: all)")
    parser.add_argument("--rev", help="read the notebooks from this git revision")
    args = parser.parse_args(argv)
    rows = {name: counts(notebook) for name, notebook in notebooks(args.rev, args.only).items()}
    print(table(rows))


if __name__ == "__main__":
    main()

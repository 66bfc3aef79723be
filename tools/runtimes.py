"""How long each notebook takes, in full mode and in quick mode: docs/runtimes.md.

    python tools/runtimes.py

Full mode: read from the committed notebooks, whose cells carry the time stamps of the full run
that produced their outputs (first cell started to last cell finished; a run that reused cached
training results, see ``training.train(cache=True)``, is marked). Quick mode: each notebook is
executed here, now, with ``FASTER_OPTIMIZERS_QUICK=1``, and timed the same way.
"""

from __future__ import annotations

import os
import platform
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def span(notebook) -> float | None:
    """Seconds from the first cell's start to the last cell's end, from the cells' metadata."""
    starts, ends = [], []
    for cell in notebook.cells:
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            starts.append(datetime.fromisoformat(stamps["iopub.execute_input"].rstrip("Z")))
            ends.append(datetime.fromisoformat(stamps["shell.execute_reply"].rstrip("Z")))
    return (max(ends) - min(starts)).total_seconds() if starts else None


def cached(notebook) -> bool:
    """Whether the notebook asks ``training.train`` to reuse saved results in full mode."""
    return any(
        re.search(r"\bcache\s*=\s*(?!False\b)", cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def quick(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    os.environ["FASTER_OPTIMIZERS_QUICK"] = "1"
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        NotebookClient(notebook, timeout=1800, resources={"metadata": {"path": folder}}).execute()
        return time.perf_counter() - start


def main() -> None:
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        full = span(notebook)
        note = " (training results cached)" if cached(notebook) else ""
        seconds = quick(path)
        rows.append(f"| {path.stem} | {seconds:.0f} s | {full / 60:.1f} min{note} |")
        print(rows[-1], flush=True)
    text = "\n".join(
        [
            "# Notebook runtimes",
            "",
            "Quick mode (`FASTER_OPTIMIZERS_QUICK=1`, what `make test` runs) was timed by",
            "`python tools/runtimes.py` (a fresh kernel per notebook, start-up included);",
            "full mode is the span of the full run saved in each committed notebook",
            "(the cells' time stamps).",
            f"Machine: {os.cpu_count()} cores, {platform.machine()}, no GPU, Python "
            f"{platform.python_version()}.",
            "",
            "| notebook | quick mode | full mode |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )
    (ROOT / "docs" / "runtimes.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""How long each notebook takes, in full mode and in quick mode: docs/runtimes.md.

    python tools/runtimes.py

Full mode: read from the committed notebooks, whose cells carry the time stamps of the full run
that produced their outputs (first cell started to last cell finished). A notebook may read
training results that an earlier notebook saved with the same settings
(``training.train(..., cache=True)``); it then shows "saved run, read from data/runs" in place of
a progress bar, and the table says how many it read. Quick mode: each notebook is executed
here, now, with ``FASTER_OPTIMIZERS_QUICK=1``, in a fresh kernel, and timed.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.training import SAVED_RUN

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


def saved_runs_read(notebook) -> int:
    """How many training results the committed run read back from data/runs."""
    return sum(
        str(output.get("data", {}).get("text/plain", "")).count(SAVED_RUN)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def quick(path: Path) -> float:
    """Seconds to run a notebook top to bottom in quick mode in a fresh kernel (not saved)."""
    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ["FASTER_OPTIMIZERS_QUICK"] = "1"
    try:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            NotebookClient(
                notebook, timeout=1800, resources={"metadata": {"path": folder}}
            ).execute()
            return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    rows, total, quick_total = [], 0.0, 0.0
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        full = span(notebook)
        total += full
        read = saved_runs_read(notebook)
        note = f" ({read} training results read from data/runs)" if read else ""
        seconds = quick(path)
        quick_total += seconds
        rows.append(f"| {path.stem} | {seconds:.0f} s | {full / 60:.1f} min{note} |")
        print(rows[-1], flush=True)
    text = "\n".join(
        [
            "# Notebook runtimes",
            "",
            "Quick mode (`FASTER_OPTIMIZERS_QUICK=1`, what `make test` runs) was timed by",
            "`python tools/runtimes.py` (a fresh kernel per notebook, start-up included).",
            "Full mode is the span of the full run saved in each committed notebook (the cells'",
            "time stamps): `make notebooks`, the notebooks one after the other, starting with",
            "nothing saved under `data/runs`. Notebooks 01 to 09 save their training results",
            "there and reuse any that an earlier one saved with the same settings; where a",
            "notebook did, the table says how many (run alone from nothing, it takes longer by",
            "those runs). Notebook 11 saves its landscape there too, and reads it back when run",
            "again.",
            f"All {len(rows)} in full mode: {total / 60:.1f} min; in quick mode: "
            f"{quick_total:.0f} s.",
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

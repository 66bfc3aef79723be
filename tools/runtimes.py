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


def execute(path: Path, quick: bool, empty_cache: bool = False) -> float:
    """Seconds to run a notebook top to bottom in a fresh kernel (outputs are not saved).
    ``empty_cache``: with no saved training results (a fresh data folder)."""
    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop("FASTER_OPTIMIZERS_QUICK", None)
        if quick:
            os.environ["FASTER_OPTIMIZERS_QUICK"] = "1"
        if empty_cache:
            os.environ["FASTER_OPTIMIZERS_DATA"] = folder
        try:
            start = time.perf_counter()
            client = NotebookClient(
                notebook, timeout=3600, resources={"metadata": {"path": folder}}
            )
            client.execute()
            return time.perf_counter() - start
        finally:
            os.environ.clear()
            os.environ.update(saved)


def main() -> None:
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        full = f"{span(notebook) / 60:.1f} min"
        if cached(notebook):  # the saved run reused results: time one with nothing saved
            fresh = execute(path, quick=False, empty_cache=True)
            full += f" (reusing saved training results; {fresh / 60:.1f} min with none)"
        seconds = execute(path, quick=True)
        rows.append(f"| {path.stem} | {seconds:.0f} s | {full} |")
        print(rows[-1], flush=True)
    text = "\n".join(
        [
            "# Notebook runtimes",
            "",
            "Quick mode (`FASTER_OPTIMIZERS_QUICK=1`, what `make test` runs) was timed by",
            "`python tools/runtimes.py` (a fresh kernel per notebook, start-up included);",
            "full mode is the span of the full run saved in each committed notebook",
            "(the cells' time stamps); where that run reused saved training results",
            "(`training.train(..., cache=True)`), the notebook was also timed here with none.",
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

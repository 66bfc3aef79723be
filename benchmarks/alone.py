"""Do the verdicts depend on training runs together? Every Fashion-MNIST notebook run again in
full mode with each run trained alone by Keras (``FASTER_OPTIMIZERS_ALONE=1``: what the sweeps
did before ``helpers.batched``), its verdicts set beside those of the committed notebooks.

    python benchmarks/alone.py        # about 25 minutes on 2 cores; writes docs/sweeps_vs_alone.md

A run trained with others equals the same run alone to float32 rounding for a few hundred steps,
then the two part as two trainings of the same settings would (``helpers.batched``); this shows
what that does to each verdict and to each number it prints. Saved runs go to a temporary
folder, not ``data/runs``; the committed notebooks are not changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.config import ALONE_ENV, DATA_ENV
from helpers.verdicts import collect_claims

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "sweeps_vs_alone.md"
NUMBER = re.compile(r"(?<![\w.])[−-]?\d[\d,]*(?:\.\d+)?(?:e[−-]?\d+)?%?")


def trained_notebooks() -> list[str]:
    """The notebooks whose Fashion-MNIST runs are saved (``cache=``, as ``make cache`` finds
    them): those that sweep."""
    return [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            if "cache=" in p.read_text(encoding="utf-8")]  # fmt: skip


def on_training(claim: dict) -> bool:
    """Whether a claim's experiment trains the MLP (the others are on 2D surfaces)."""
    return any(word in claim["experiment"] for word in ("Fashion-MNIST", "MLP", "runs above"))


def numbers(text: str) -> list[str]:
    return NUMBER.findall(str(text))


def compare(together: list[dict], alone: list[dict]) -> tuple[list[str], dict]:
    """Rows of the table (claims in both runs), and counts."""
    by_claim = {(c["notebook"], c["claim"]): c for c in alone}
    rows, counts = [], {"claims": 0, "same verdict": 0, "numbers": 0, "same numbers": 0}
    for c in together:
        other = by_claim.get((c["notebook"], c["claim"]))
        if other is None or not on_training(c):
            continue
        ours, theirs = numbers(c["numbers"]), numbers(other["numbers"])
        same = sum(a == b for a, b in zip(ours, theirs)) if len(ours) == len(theirs) else 0
        counts["claims"] += 1
        counts["same verdict"] += c["verdict"] == other["verdict"]
        counts["numbers"] += len(ours)
        counts["same numbers"] += same
        differ = [f"{a} → {b}" for a, b in zip(ours, theirs) if a != b][:6]
        rows.append(
            f"| {c['notebook']} | {' '.join(c['claim'].split())} | {c['verdict']} "
            f"| {other['verdict']}{'' if c['verdict'] == other['verdict'] else ' ⚠'} "
            f"| {same} of {len(ours)} | {'; '.join(differ) or '—'} |"
        )
    return rows, counts


def main() -> int:
    names = trained_notebooks()
    with tempfile.TemporaryDirectory(prefix="alone-") as folder:
        out = Path(folder) / "notebooks"
        out.mkdir()
        env = os.environ | {ALONE_ENV: "1", DATA_ENV: str(Path(folder) / "data")}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--jobs", "2",
             "--output-dir", str(out), *names], env=env, check=True,
        )  # fmt: skip
        minutes = (time.perf_counter() - start) / 60
        rows, counts = compare(collect_claims(), collect_claims(out))
    text = "\n".join([
        "# Verdicts from runs trained together, and from the same runs alone",
        "",
        "Written by `python benchmarks/alone.py`: the notebooks that train on Fashion-MNIST",
        f"({', '.join(names)}) were run again in full mode with every run trained alone by Keras",
        f"(`FASTER_OPTIMIZERS_ALONE=1`; {minutes:.0f} min on {os.cpu_count()} cores), and their",
        "verdicts set beside those of the committed notebooks, whose sweeps train their runs",
        "together (`helpers.batched`). A run trained with others equals the same run alone to",
        "float32 rounding for a few hundred steps, then the two part as two trainings of the same",
        "settings would; the numbers below show what that does to what each verdict prints.",
        "",
        f"{counts['claims']} claims tested on the MLP: {counts['same verdict']} with the same "
        f"verdict; of the {counts['numbers']} numbers they print, {counts['same numbers']} are "
        "the same.",
        "",
        "| notebook | claim | verdict, together | verdict, alone | same numbers "
        "| first that differ (together → alone) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ])  # fmt: skip
    TARGET.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

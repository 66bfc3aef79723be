"""Find printed numbers that another computer would print differently.

nbval compares a notebook's saved outputs with the outputs of a fresh run, on the learner's
computer or on CI. Numbers at the level of floating-point rounding (a difference of 5.3e-15
between two computations that agree, a loss that has converged to float precision, a value
printed to 16 digits) change from one CPU to another, with the BLAS kernel, NumPy's SIMD path or
TensorFlow's CPU kernels. This script lists every such number in the outputs that nbval compares
(cells tagged ``nbval-ignore-output`` or ``nbval-skip`` are not compared, and not read).

    python tools/portable_outputs.py                  # every notebook in notebooks/
    python tools/portable_outputs.py path/to/a.ipynb  # exit status 1 if anything is found

A number is flagged when it is
- written in scientific notation with a magnitude below 1e-12 (``helpers.precision.ROUNDING``),
  unless it is a bound (``< 1e-12``, as ``helpers.precision.show`` prints it);
- written with 10 or more significant digits (``0.30000000000000004``): float64 noise shows
  in the last of them.

A cell may print such a number on purpose only if its source says why, in a comment that starts
with ``# rounding-level output:`` followed by the reason.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDING = 1e-12
LONG = 10  # significant digits
EXCEPTION = re.compile(r"#\s*rounding-level output:\s*(\S.*)")
NOT_COMPARED_TAGS = {"nbval-ignore-output", "nbval-skip"}
NOT_COMPARED_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
NOT_COMPARED_DATA = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}

# A number: optional bound before it, mantissa, optional exponent. Digits glued to letters or
# underscores (hex ids, names such as "adam_2") are not numbers.
NUMBER = re.compile(
    r"(?P<bound>[<≤]\s*)?(?<![\w.])(?P<mantissa>\d+(?:\.\d+)?|\.\d+)(?:[eE](?P<exponent>[-+]?\d+))?(?!\w|\.\d)"
)


def rounding_level(text: str) -> list[str]:
    """The numbers in ``text`` that are at rounding level (see the module's docstring)."""
    found = []
    for match in NUMBER.finditer(text):
        mantissa, exponent = match["mantissa"], match["exponent"]
        if exponent is not None and not match["bound"]:
            value = float(f"{mantissa}e{exponent}")
            if 0 < value < ROUNDING:
                found.append(match.group(0).strip())
                continue
        if "." in mantissa:
            digits = mantissa.replace(".", "").lstrip("0")
            if len(digits) >= LONG:
                found.append(match.group(0).strip())
    return found


def _compared_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    if output.get("output_type") == "error":
        return ""
    parts = []
    for kind, value in (output.get("data") or {}).items():
        if kind in NOT_COMPARED_DATA:
            continue
        if isinstance(value, dict):  # application/json and the like
            value = json.dumps(value)
        parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def findings(notebook: Path) -> list[tuple[int, list[str]]]:
    """(code cell index from 0, numbers at rounding level) for each compared cell with any."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    result = []
    for index, cell in enumerate(code):
        source = "".join(cell.get("source", ""))
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & NOT_COMPARED_TAGS or any(m in source for m in NOT_COMPARED_MARKERS):
            continue
        if EXCEPTION.search(source):
            continue
        numbers = [
            n for out in cell.get("outputs", []) for n in rounding_level(_compared_text(out))
        ]
        if numbers:
            result.append((index, numbers))
    return result


def exceptions(notebook: Path) -> list[tuple[int, str]]:
    """(code cell index, reason) for each cell excepted by a ``# rounding-level output:``
    comment."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    return [
        (index, match.group(1).strip())
        for index, cell in enumerate(code)
        if (match := EXCEPTION.search("".join(cell.get("source", ""))))
    ]


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total = 0
    for notebook in notebooks:
        for index, numbers in findings(notebook):
            total += len(numbers)
            shown = ", ".join(numbers[:6]) + (", ..." if len(numbers) > 6 else "")
            print(f"{notebook.name}: code cell {index}: {len(numbers)} at rounding level: {shown}")
    print(f"{len(notebooks)} notebook(s) read, {total} number(s) at rounding level")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

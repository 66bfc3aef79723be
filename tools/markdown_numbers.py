"""Numbers that the text restates from an output must agree with that output.

A markdown cell names the numbers it quotes, separated by spaces, in a comment, which renders as
nothing:

    The step starts at 0.00232 for η = 0.05 and grows to 0.0156.
    <!-- output: 0.00232 0.0156 -->

Each number listed must appear in the cell's text, and in the printed output (text, not
figures) of the code cells right above the markdown cell; ``<!-- earlier output: ... -->``
looks in every code cell above it instead (for a number quoted far from its cell). A quoted
number matches a printed one when the printed number, rounded to the quoted number's decimals,
is the quoted number: "0.0023" quotes 0.00232, "5,560" quotes 5560 and "96%" quotes "96%"
(thousands separators, a Unicode minus and a trailing % are read as a number's). Anything that
reads better as a computed sentence should be printed by the code instead (an f-string under the
computation), and then needs no comment.

    python tools/markdown_numbers.py            # check every notebook; exit status 1 on a drift
    python tools/markdown_numbers.py 05_adam    # only these (a prefix of the file name)
"""

from __future__ import annotations

import json
import re
import sys
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"<!--\s*(earlier output|output):\s*(.*?)\s*-->", re.S)
NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+−]?\d+)?%?(?![\w])")


def normalize(token: str) -> str:
    """A number as written ("5,560", "−0.3", "96%") in a form Decimal reads."""
    return token.replace(",", "").replace("−", "-").rstrip("%")


def numbers(text: str) -> list[str]:
    """The numbers written in a text, in order, as tokens ("5,560", "0.00232", "96%")."""
    return [match.group().rstrip(",") for match in NUMBER.finditer(text)]


def quotes(quoted: str, printed: str) -> bool:
    """Whether the quoted number is the printed one, rounded to the quoted number's digits."""
    if quoted.endswith("%") != printed.endswith("%"):
        return False
    try:
        q, p = Decimal(normalize(quoted)), Decimal(normalize(printed))
    except InvalidOperation:
        return False
    exponent = q.as_tuple().exponent
    if "e" in normalize(quoted).lower() or exponent > 0:
        return q == p
    return p.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN) == q


def _source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def printed(cell: dict) -> str:
    """The text a code cell printed (streams and plain-text results; not figures)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(_source({"source": output.get("text", "")}))
        elif "text/plain" in output.get("data", {}):
            parts.append(_source({"source": output["data"]["text/plain"]}))
    return "\n".join(parts)


def problems(notebook: dict) -> list[str]:
    """One line per quoted number that is not in its cell's text or not in the output above."""
    found = []
    cells = notebook["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell)
        prose = MARKER.sub("", text)
        for kind, listed in MARKER.findall(text):
            above = [c for c in cells[:index] if c["cell_type"] == "code"]
            if kind == "output":
                above = []
                for c in reversed(cells[:index]):
                    if c["cell_type"] != "code":
                        break
                    above.insert(0, c)
            output_numbers = [n for c in above for n in numbers(printed(c))]
            for quoted in listed.split():
                if quoted not in numbers(prose):
                    found.append(f"cell {index}: {quoted} is listed but not in the text")
                elif not any(quotes(quoted, number) for number in output_numbers):
                    where = "any output above" if kind == "earlier output" else "the output above"
                    found.append(f"cell {index}: {quoted} is not in {where}")
    return found


def main(argv: list[str]) -> int:
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    paths = [path for path in paths if not argv or any(path.stem.startswith(a) for a in argv)]
    failed = 0
    for path in paths:
        for line in problems(json.loads(path.read_text())):
            print(f"{path.name} {line}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

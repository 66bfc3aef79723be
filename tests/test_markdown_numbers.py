"""Numbers quoted in the notebooks' text agree with the outputs they come from
(tools/markdown_numbers.py: a markdown cell lists them in a <!-- output: ... --> comment)."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location(
    "markdown_numbers", ROOT / "tools" / "markdown_numbers.py"
)
markdown_numbers = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(markdown_numbers)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_quoted_numbers_agree_with_their_outputs(path):
    assert markdown_numbers.problems(json.loads(path.read_text())) == []


def notebook(printed: str, text: str, between: str | None = None) -> dict:
    code = {
        "cell_type": "code",
        "source": "print(...)",
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}],
    }
    cells = [code]
    if between is not None:
        cells.append({"cell_type": "markdown", "source": between, "metadata": {}})
    cells.append({"cell_type": "markdown", "source": text, "metadata": {}})
    return {"cells": cells}


def test_a_drifted_number_is_caught():
    text = "It starts at 0.00232 and takes 5,560 steps.\n<!-- output: 0.00232 5,560 -->"
    assert markdown_numbers.problems(notebook("step 0.00232 after 5560 steps", text)) == []
    drifted = markdown_numbers.problems(notebook("step 0.00241 after 5560 steps", text))
    assert drifted == ["cell 1: 0.00232 is not in the output above"]


def test_a_rounded_quote_matches_and_a_wrong_rounding_does_not():
    assert (
        markdown_numbers.problems(notebook("0.00232", "about 0.0023 <!-- output: 0.0023 -->")) == []
    )
    assert markdown_numbers.problems(notebook("0.00236", "about 0.0023 <!-- output: 0.0023 -->"))
    assert (
        markdown_numbers.problems(notebook("96% and 75%", "96% of races <!-- output: 96% -->"))
        == []
    )
    assert markdown_numbers.problems(notebook("0.96", "96% of races <!-- output: 96% -->"))


def test_the_number_must_be_in_the_text_too():
    assert markdown_numbers.problems(notebook("J = 0.5", "J is a half. <!-- output: 0.5 -->")) == [
        "cell 1: 0.5 is listed but not in the text"
    ]


def test_output_means_the_cells_right_above_and_earlier_output_any_above():
    text = "J = 0.5 <!-- output: 0.5 -->"
    assert markdown_numbers.problems(notebook("J = 0.5", text, between="words"))
    earlier = "J = 0.5 <!-- earlier output: 0.5 -->"
    assert markdown_numbers.problems(notebook("J = 0.5", earlier, between="words")) == []

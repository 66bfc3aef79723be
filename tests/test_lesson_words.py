"""tools/lesson_words.py: markdown words before and after "Going further", and before the first
explorer."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("lesson_words", ROOT / "tools" / "lesson_words.py")
lesson_words = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lesson_words)


def markdown(text):
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def code(text):
    return {"cell_type": "code", "source": text, "metadata": {}, "outputs": []}


def test_words_leave_out_code_fences_and_tag_lines():
    text = "one two\n```python\nx = 1  # code\n```\n<details><summary>Solution</summary>\nthree"
    assert lesson_words.words(text) == 3


def test_counts_split_at_going_further_and_stop_at_the_first_explorer():
    notebook = {
        "cells": [
            markdown("# Title\n\nfour words of intro"),
            code("# explorer( in a comment does not count\nx = 1"),
            code('explorer("gd", surface="bowl")'),
            markdown("after the explorer, five words"),
            markdown("## Going further (optional)\n\nthree more words"),
            code('widgets.explorer("adam")'),
        ]
    }
    counts = lesson_words.counts(notebook)
    assert counts == {"before": 11, "after": 7, "explorer": 6}


def test_a_notebook_without_the_heading_or_an_explorer():
    counts = lesson_words.counts({"cells": [markdown("just five words of text")]})
    assert counts == {"before": 5, "after": 0, "explorer": None}
    assert "| x | 5 | 0 | - |" in lesson_words.table({"x": counts})

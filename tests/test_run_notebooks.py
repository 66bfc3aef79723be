"""tools/run_notebooks.py (make notebooks): which notebook waits for which, which starts first,
and the check that no output depends on the order in which notebooks finished."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)

READS = {"b": ("a",), "c": ("b",), "d": ("a",)}


def test_every_notebook_named_in_the_order_exists():
    names = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    named = set(runner.READS_FROM) | {n for ns in runner.READS_FROM.values() for n in ns}
    assert named <= names, named - names


def test_a_notebook_waits_for_what_it_reads_from_and_what_that_reads_from():
    assert runner.before("c", READS) == {"a", "b"}
    assert runner.before("a", READS) == set()
    assert runner.before("08_comparison") >= {"01_momentum", "05_adam", "07_adamw"}


def test_the_notebook_with_the_longest_path_to_the_end_starts_first():
    seconds = {"a": 10, "b": 5, "c": 50, "d": 20, "e": 40}
    paths = runner.longest_paths(list(seconds), seconds, READS)
    assert paths == {"a": 65, "b": 55, "c": 50, "d": 20, "e": 40}


def test_a_run_read_from_a_notebook_not_waited_for_is_reported():
    writes = {"a": {"k1"}, "b": set(), "d": {"k2"}}
    assert runner.problems({"b": {"k1"}}, writes, READS) == []
    found = runner.problems({"b": {"k1", "k2"}}, writes, READS)
    assert len(found) == 1 and "add 'd' to READS_FROM['b']" in found[0]


@pytest.mark.parametrize("second, reported", [("d", True), ("b", False)])
def test_a_run_trained_by_two_notebooks_side_by_side_is_reported(second, reported):
    """d may run beside b (neither waits for the other), so the saved run would be whichever
    finished last; b and a never overlap."""
    writes = {"b": {"k"}, second: {"k"}} if second != "b" else {"a": {"k"}, "b": {"k"}}
    found = runner.problems({}, writes, READS)
    assert bool(found) is reported

"""The package's shape: which module imports which, with no cycle (imports inside functions
count too: a cycle hidden in a function is still a cycle), and a NumPy core that is tested
without TensorFlow."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "helpers"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The course's modules that ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = (
                ".".join(p for p in (base, node.module) if p) if node.level else node.module or ""
            )
            found.add(source)
            found |= {f"{source}.{alias.name}" for alias in node.names}
    found = {m for m in found if m in modules}
    # Importing a module means importing its packages first; those edges are not listed.
    return found - {name}


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    edges = {module_name(p): imports_of(p, modules) for p in paths}
    # A package's __init__ may import its own modules; a module importing its own package (or
    # the top package, for its lazy names) is an edge to __init__ and would make every such
    # pair a cycle, so the edge to a containing package is left out.
    return {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in edges.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_helpers_import_each_other_without_a_cycle():
    edges = graph()
    assert len(edges) > 10
    assert edges["helpers.optimizers"] and not any(edges[m] for m in edges["helpers.optimizers"])
    assert cycle(edges) is None, " → ".join(cycle(edges))


def test_the_registry_imports_nothing_of_the_course():
    assert graph()["helpers.registry"] == set()


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, expected):
    assert cycle(edges) == expected


if __name__ == "__main__":  # print the graph: python tests/test_layout.py
    for module, targets in sorted(graph().items()):
        print(f"{module:32} → {', '.join(sorted(t.removeprefix('helpers.') for t in targets))}")


def test_the_numpy_tests_run_without_tensorflow(tmp_path):
    """With TensorFlow made unimportable, the tests of the NumPy core still run and pass; only
    those that take the ``keras`` fixture are skipped, saying why."""
    hidden = tmp_path / "tensorflow"
    hidden.mkdir()
    (hidden / "__init__.py").write_text('raise ImportError("TensorFlow hidden by the test")\n')
    tests = Path(__file__).parent
    modules = ["test_optimizers.py", "test_schedules.py", "test_registry.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", *(str(tests / m) for m in modules)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        cwd=tests.parent,
    )
    last = result.stdout.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", last).group(1))
    assert result.returncode == 0 and "failed" not in last and passed >= 60, result.stdout[-2000:]
    assert "skipped" in last and "TensorFlow hidden by the test" in result.stdout

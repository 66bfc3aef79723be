"""The project's own files agree with each other."""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parents[1]


def normalize(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).replace('"', "'").lower()


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        found |= set(extra)
    return {normalize(r) for r in found}


def environment_requirements(text: str | None = None) -> set[str]:
    """The pip requirements listed in environment.yml (a small, fixed layout: no YAML parser)."""
    if text is None:
        text = (ROOT / "environment.yml").read_text()
    lines = text.splitlines()
    start = lines.index("  - pip:")
    found = set()
    for line in lines[start + 1 :]:
        match = re.match(r"^      - (.+)$", line)
        if match and not match.group(1).startswith("-e"):
            found.add(normalize(match.group(1)))
    return found


def test_environment_yml_lists_the_dependencies_of_pyproject():
    ours, theirs = pyproject_requirements(), environment_requirements()
    assert ours == theirs, (
        f"only in pyproject.toml: {sorted(ours - theirs)}; "
        f"only in environment.yml: {sorted(theirs - ours)}"
    )


def test_environment_yml_installs_the_course_package():
    assert "      - -e ." in (ROOT / "environment.yml").read_text().splitlines()


def test_the_comparison_would_notice_a_drift():
    drifted = (ROOT / "environment.yml").read_text().replace("numpy>=1.26", "numpy>=1.20")
    assert environment_requirements(drifted) != pyproject_requirements()

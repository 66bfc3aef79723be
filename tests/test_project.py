"""The project's own files agree with each other."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # the test extra installs tomli, tomllib's original, on 3.10
    import tomli as tomllib

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


def _repository_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("repository", ROOT / "tools" / "repository.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_repository_address_is_the_one_in_pyproject_everywhere():
    tool = _repository_tool()
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    assert f"https://github.com/{tool.configured()}" == url  # read with TOML, not the regex
    assert tool.disagreements() == {}, "run `make repository` after changing pyproject.toml"
    for path in tool.files():
        if path.suffix == ".ipynb":  # every notebook has its badges and its setup cell
            assert len(tool.found(path.read_text())) >= 1, path.name


def test_retargeting_moves_badges_setup_cells_and_clone_commands_only():
    tool = _repository_tool()
    text = (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/a/b/blob/main/notebooks/00_x.ipynb) "
        "[![Binder](https://mybinder.org/badge_logo.svg)]"
        "(https://mybinder.org/v2/gh/a/b/HEAD?labpath=notebooks%2F00_x.ipynb)\n"
        'REPOSITORY = "https://github.com/a/b"\n'
        "git clone https://github.com/a/b.git\n"
        "See https://github.com/keras-team/keras/blob/master/keras/src/optimizers/adam.py"
    )
    moved = tool.retarget(text, "me/fork")
    assert tool.found(text) == {"a/b"} and tool.found(moved) == {"me/fork"}
    assert moved.count("me/fork") == 4
    assert "github.com/keras-team/keras/blob" in moved


def test_the_static_copy_shows_figures_and_the_explorers_last_frame(tmp_path):
    pytest.importorskip("nbconvert")
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_html", ROOT / "tools" / "build_html.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    notebook = ROOT / "notebooks" / "00_gradient_descent.ipynb"
    index, page = tool.build(tmp_path, [notebook])
    text = page.read_text()
    import nbformat

    pictures = sum(
        "image/png" in output.get("data", {})
        for cell in nbformat.read(notebook, as_version=4).cells
        for output in cell.get("outputs", [])
    )
    shown = text.count(
        '<img alt="No description has been provided for this image" class="" src="data:image/png'
    )
    assert shown == pictures  # the explorer's last frame included
    assert "widget-view+json" not in text
    assert 'href="00_gradient_descent.html"' in index.read_text()
    assert "Gradient descent" in index.read_text()


def test_the_claims_table_is_made_from_the_notebooks():
    from helpers import experiments

    claims = experiments.collect_claims(ROOT / "notebooks")
    tested = {claim["notebook"] for claim in claims}
    for number in range(8):  # every optimizer notebook tests the text's claims
        assert any(name.startswith(f"{number:02d}_") for name in tested), number
    assert all(claim["verdict"] in experiments.VERDICTS for claim in claims)
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "claims.py"), "--check"], capture_output=True
    )
    assert check.returncode == 0, "docs/claims.md is out of date: run `make claims`"


def _training_verdicts(notebook: dict):
    """The code cells that print a verdict on a Fashion-MNIST experiment: their numbers come
    from training, which quick mode shortens, so nbval must not compare their outputs."""
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "verdict(" in source:
            if "epochs()" in source or "Fashion-MNIST" in source:
                yield index, cell


def test_verdicts_on_training_are_not_compared_by_nbval():
    import json

    found = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for index, cell in _training_verdicts(json.loads(path.read_text())):
            found += 1
            tags = cell.get("metadata", {}).get("tags", [])
            assert "nbval-ignore-output" in tags, f"{path.name}, cell {index}: tag it"
    assert found >= 10  # the rule finds them: a weak test otherwise

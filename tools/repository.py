"""The course's repository address lives in one place: ``[project.urls] Repository`` in
pyproject.toml. Notebooks need it in their badges ("Open in Colab", Binder) and in their setup
cell (Colab installs the helpers from it), and so does the README; this script writes it there.

    python tools/repository.py          # rewrite notebooks and README from pyproject.toml
    python tools/repository.py --check  # list the places that disagree (exit status 1 if any)

A fork changes the one line in pyproject.toml and runs ``make repository``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each pattern captures "owner/name" where the repository appears.
PATTERNS = [
    r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/",
    r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/",
    # the setup cells' REPOSITORY = "...", and the README's clone command and repository link
    r"(?:REPOSITORY = \"|git clone |\[repository\]\()https://github\.com/([\w.-]+/[\w.-]+?)"
    r"(?:\.git)?(?=[\"/)\s]|$)",
]


def configured() -> str:
    """``owner/name`` from pyproject.toml's ``[project.urls] Repository``."""
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^Repository\s*=\s*"https://github\.com/([\w.-]+/[\w.-]+)"', text, re.M)
    if not match:
        raise SystemExit("pyproject.toml has no [project.urls] Repository = https://github.com/...")
    return match.group(1)


def retarget(text: str, repository: str) -> str:
    """``text`` with every course repository address pointing at ``repository``."""
    for pattern in PATTERNS:
        text = re.sub(pattern, lambda m: m.group(0).replace(m.group(1), repository), text)
    return text


def found(text: str) -> set[str]:
    return {m.group(1) for pattern in PATTERNS for m in re.finditer(pattern, text)}


def files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "notebooks").glob("*.ipynb"))]


def _sources(path: Path):
    """The editable texts of a file: the file itself, or a notebook's cell sources."""
    if path.suffix != ".ipynb":
        return [path.read_text()]
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]]


def disagreements(repository: str | None = None) -> dict[str, set[str]]:
    """{file: addresses that are not the configured repository}."""
    repository = repository or configured()
    wrong = {}
    for path in files():
        other = set().union(*(found(t) for t in _sources(path))) - {repository}
        if other:
            wrong[str(path.relative_to(ROOT))] = other
    return wrong


def write(repository: str | None = None) -> list[str]:
    """Rewrite README and notebooks (cell sources only; outputs untouched). Returns the changed."""
    repository = repository or configured()
    changed = []
    for path in files():
        if path.suffix == ".ipynb":
            import nbformat

            notebook = nbformat.read(path, as_version=4)
            touched = False
            for cell in notebook.cells:
                new = retarget(cell.source, repository)
                if new != cell.source:
                    cell.source = new
                    touched = True
            if touched:
                nbformat.write(notebook, path)
                changed.append(path.name)
        else:
            text = path.read_text()
            new = retarget(text, repository)
            if new != text:
                path.write_text(new)
                changed.append(path.name)
    return changed


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        wrong = disagreements()
        for name, addresses in wrong.items():
            print(f"{name}: {', '.join(sorted(addresses))} (pyproject.toml says {configured()})")
        sys.exit(1 if wrong else 0)
    print("rewritten:", ", ".join(write()) or "nothing (all agree)")

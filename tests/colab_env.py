"""The Colab-like virtual environment, ``.venv-colab/``: only what Colab preinstalls
(``tests/colab/requirements.txt``), built once and rebuilt when that list changes. Used by
test_colab.py (every notebook as Colab runs it) and by the browser test of the classic notebook
with ipywidgets 7 (tests/browser)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-colab"
REQUIREMENTS = ROOT / "tests" / "colab" / "requirements.txt"
PYTHON = VENV / "bin" / "python"
COURSE = "faster-optimizers"  # the course's distribution, which the setup cells install


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]


def pinned(name: str) -> str:
    """The version requirements.txt pins ``name`` to (``name==X``): what Colab preinstalls."""
    for line in REQUIREMENTS.read_text().splitlines():
        match = re.fullmatch(rf"\s*{re.escape(name)}\s*==\s*([\w.]+)\s*(#.*)?", line, re.I)
        if match:
            return match.group(1)
    raise LookupError(f"{REQUIREMENTS} pins no version of {name}")


def colab_python() -> Path:
    """The Colab-like environment's Python, built first if needed (skips the test when the
    package index cannot be reached, or git is missing: the setup cells install with it).
    It is built afresh when requirements.txt changes, and when what it holds is no longer what
    was installed from that list (say, a failed test's setup cell upgraded a package)."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to install the course from its repository, as Colab does")
    stamp, listing = VENV / ".requirements", VENV / ".packages.json"
    if not (
        stamp.is_file()
        and stamp.read_text() == _stamp()
        and listing.is_file()
        and json.loads(listing.read_text()) == packages(PYTHON)
    ):
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = subprocess.run(
            [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            + ["-r", str(REQUIREMENTS)],
            capture_output=True,
            text=True,
        )
        if pip.returncode != 0:
            reason = "could not build Colab's package set (no package index?)"
            pytest.skip(f"{reason}: {pip.stderr[-500:]}")
        listing.write_text(json.dumps(packages(PYTHON), indent=1))
        stamp.write_text(_stamp())
    return PYTHON


def uninstall_course(python: Path) -> None:
    """Take the course out of the environment, so that a setup cell must install it."""
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "--yes", "--quiet", COURSE], capture_output=True
    )


def packages(python: Path) -> dict[str, str]:
    """{name: version line} of what is installed (``pip freeze``), the course left out."""
    freeze = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in freeze.splitlines():
        name = re.split(r"[=@ ]", line, maxsplit=1)[0].strip().lower().replace("_", "-")
        if name and name != COURSE:
            found[name] = line.strip()
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two ``packages`` listings, as readable lines."""
    lines = [f"removed {before[k]}" for k in before if k not in after]
    lines += [f"added {after[k]}" for k in after if k not in before]
    lines += [f"{before[k]} -> {after[k]}" for k in before if k in after and before[k] != after[k]]
    return lines

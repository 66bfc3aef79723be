"""The Colab-like virtual environment, ``.venv-colab/``: only what Colab preinstalls
(``tests/colab/requirements.txt``), built once and rebuilt when that list changes. Used by
test_colab.py (every notebook as Colab runs it) and by the browser test of the classic notebook
with ipywidgets 7 (tests/browser).

Tests run in parallel (``make test``), so none of them installs anything into ``.venv-colab``:
each gets a runtime of its own (``runtime``), a small virtual environment that sees everything
``.venv-colab`` holds and takes what a setup cell installs. The build itself is done by one
process at a time (a lock file).
"""

from __future__ import annotations

import fcntl
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
    """The Colab-like environment's Python (see ``_build``), one process building it at a time."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / ".venv-colab.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            python = _build()
            if list(VENV.glob("lib/python*/site-packages/faster_optimizers-*")):
                uninstall_course(python)  # left by an older run: Colab starts without it
            return python
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build() -> Path:
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


def runtime(folder: Path) -> Path:
    """A fresh runtime in ``folder``: a virtual environment without packages of its own whose
    Python also sees everything in ``.venv-colab`` (a ``.pth`` file), so that what a notebook's
    setup cell installs lands here, and ``.venv-colab`` stays as Colab's packages alone. Its
    Python, as ``colab_python`` gives one."""
    base = colab_python()
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"

    def site_packages(prefix: Path) -> str:
        query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        return subprocess.run(
            [str(prefix / "bin" / "python"), "-c", query],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    own, colab = site_packages(folder), site_packages(VENV)
    # a line starting with "import" is run: Colab's folder is added with its own .pth files
    Path(own, "colab-preinstalled.pth").write_text(f"import site; site.addsitedir({colab!r})\n")
    return python


def course_wheel() -> Path:
    """The course built once as a wheel from this checkout as a git repository (its committed
    tree), for setup cells to install in a few seconds instead of building it again each time."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    folder = VENV / "wheels" / head
    python = colab_python()
    with open(ROOT / ".venv-colab.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not list(folder.glob("*.whl")):
                subprocess.run(
                    [str(python), "-m", "pip", "wheel", "--quiet", "--no-deps"]
                    + ["--disable-pip-version-check", "-w", str(folder), f"git+file://{ROOT}"],
                    capture_output=True,
                    check=True,
                )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return next(folder.glob("*.whl"))


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

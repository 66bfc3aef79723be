"""Every notebook runs the way Colab runs it.

Colab opens a notebook from the repository in a runtime that has its own preinstalled packages
and nothing of the course: no ``make``, no checkout, no editable install. So each notebook is
executed (in quick mode) by a virtual environment holding only what Colab preinstalls
(``tests/colab/requirements.txt``, built once in ``.venv-colab/``), from a fresh working folder,
with the course package uninstalled first: the notebook's first cell must install it, from the
repository, and everything else must follow from there.

Offline, the setup cell cannot reach GitHub: ``FASTER_OPTIMIZERS_SOURCE`` points its ``pip
install`` at this checkout as a git repository instead (``git+file://...``, i.e. the committed
tree, as a push would publish it). The data then come from the first source available (on this
machine Debian's package; in Colab, the download).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-colab"
REQUIREMENTS = ROOT / "tests" / "colab" / "requirements.txt"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PYTHON = VENV / "bin" / "python"

EXECUTE = """
import sys
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import helpers, ipywidgets\\n"
    "print('HELPERS', helpers.__file__)\\n"
    "print('IPYWIDGETS', ipywidgets.__version__)"  # the module the kernel loaded
))
NotebookClient(notebook, timeout=900, kernel_name="python3").execute()
print(notebook.cells[-1].outputs[0]["text"])
"""


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]


@pytest.fixture(scope="module")
def colab_python():
    if shutil.which("git") is None:
        pytest.skip("git is needed to install the course from its repository, as Colab does")
    stamp = VENV / ".requirements"
    if not (stamp.is_file() and stamp.read_text() == _stamp()):
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
        stamp.write_text(_stamp())
    return PYTHON


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_as_in_colab(notebook, colab_python, tmp_path):
    subprocess.run(
        [str(colab_python), "-m", "pip", "uninstall", "--yes", "--quiet", "faster-optimizers"],
        capture_output=True,
    )
    copy = tmp_path / notebook.name  # Colab's working folder holds the notebook alone
    shutil.copy(notebook, copy)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "FASTER_OPTIMIZERS"))
    }
    env.update(
        PATH=f"{colab_python.parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),  # no cached data or training runs
        PIP_CACHE_DIR=str(Path.home() / ".cache" / "pip"),
        FASTER_OPTIMIZERS_QUICK="1",
        FASTER_OPTIMIZERS_SOURCE=f"git+file://{ROOT}",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    result = subprocess.run(
        [str(colab_python), "-c", EXECUTE, str(copy)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    installed = str(VENV.resolve())
    assert f"HELPERS {installed}" in result.stdout, result.stdout  # not this checkout's src/
    assert "IPYWIDGETS 8." in result.stdout, result.stdout  # the course's requirement, in use

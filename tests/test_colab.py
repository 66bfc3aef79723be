"""Every notebook runs the way Colab runs it.

Colab opens a notebook from the repository in a runtime that has its own preinstalled packages
and nothing of the course: no ``make``, no checkout, no editable install. So each notebook is
executed (in quick mode) by a virtual environment holding only what Colab preinstalls
(``tests/colab/requirements.txt``, built once in ``.venv-colab/``), from a fresh working folder,
with the course package uninstalled first: the notebook's first cell must install it, from the
repository, and everything else must follow from there. The kernel must then still use
Colab's own ipywidgets and IPython (the versions requirements.txt pins), nothing Colab
preinstalls may have been added, removed or changed (``pip freeze`` before and after, the
course left out), and the setup cell's output must say it installed the course alone.

Offline, the setup cell cannot reach GitHub: ``FASTER_OPTIMIZERS_SOURCE`` points its ``pip
install`` at this checkout as a git repository instead (``git+file://...``, i.e. the committed
tree, as a push would publish it). The data then come from the first source available (on this
machine Debian's package; in Colab, the download).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from colab_env import ROOT, changed, course_wheel, packages, pinned, runtime
from colab_env import colab_python as build_colab_python

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

EXECUTE = """
import json
import sys
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import helpers, IPython, ipywidgets\\n"
    "print('HELPERS', helpers.__file__)\\n"
    "print('IPYWIDGETS', ipywidgets.__version__)\\n"  # the modules the kernel loaded
    "print('IPYTHON', IPython.__version__)"
))
NotebookClient(notebook, timeout=900, kernel_name="python3").execute()
setup = next(c for c in notebook.cells if 'find_spec("helpers")' in c.source)
print("SETUP", json.dumps("".join(o.get("text", "") for o in setup.outputs)))
print(notebook.cells[-1].outputs[0]["text"])
"""


@pytest.fixture(scope="module")
def colab_python():
    return build_colab_python()


def clean_env(python, tmp_path, source: str = f"git+file://{ROOT}") -> dict:
    """The environment of a Colab runtime: its Python first, nothing of the course's settings,
    a fresh home and cache (no data, no training runs), quick mode, and the setup cell's ``pip
    install`` pointed at ``source``: this checkout as a git repository, or the wheel of it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "FASTER_OPTIMIZERS"))
    }
    env.update(
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),  # no cached data or training runs
        PIP_CACHE_DIR=str(Path.home() / ".cache" / "pip"),
        FASTER_OPTIMIZERS_QUICK="1",
        FASTER_OPTIMIZERS_SOURCE=source,
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_as_in_colab(notebook, colab_python, tmp_path):
    # A runtime of its own (tests run in parallel), seeing Colab's packages: the setup cell
    # installs the course there. The first notebook installs it from the repository, as Colab
    # does; the others from a wheel built once from it, which saves building it ten times.
    python = runtime(tmp_path / "runtime")
    source = f"git+file://{ROOT}" if notebook == NOTEBOOKS[0] else str(course_wheel())
    preinstalled = packages(colab_python)
    assert packages(python) == preinstalled  # the runtime sees Colab's packages and no course
    copy = tmp_path / notebook.name  # Colab's working folder holds the notebook alone
    shutil.copy(notebook, copy)
    result = subprocess.run(
        [str(python), "-c", EXECUTE, str(copy)],
        cwd=tmp_path,
        env=clean_env(python, tmp_path, source),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    installed = str((tmp_path / "runtime").resolve())
    assert f"HELPERS {installed}" in result.stdout, result.stdout  # not this checkout's src/
    # Colab's own ipywidgets and IPython are the ones in use: the setup cell changed nothing of
    # what Colab preinstalls, and said what it installed (the course alone).
    assert f"IPYWIDGETS {pinned('ipywidgets')}\n" in result.stdout, result.stdout
    assert f"IPYTHON {pinned('ipython')}\n" in result.stdout, result.stdout
    assert changed(preinstalled, packages(python)) == [], "the setup cell changed these"
    assert changed(preinstalled, packages(colab_python)) == [], "the setup cell changed these"
    setup = json.loads(re.search(r"^SETUP (.*)$", result.stdout, re.M).group(1))
    said = re.findall(r"^Successfully installed (.*)$", setup, re.M)
    assert len(said) == 1 and re.fullmatch(r"faster-optimizers-[\w.+]+", said[0].strip()), setup


# The explorers with Colab's ipywidgets 7 (this checkout's helpers, without a notebook): each is
# made of core widgets only, follows a slider move, a typed value, a typed start and a toggled
# comparison, and displays as the widget with the summary and a PNG beside it (ipywidgets 7
# displays widgets through _ipython_display_, not _repr_mimebundle_ as 8 does).
IPYWIDGETS_7 = """
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")  # Colab's default
import helpers, ipywidgets
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output
from helpers.widgets import Explorer
from widget_tree import EXPLORERS, foreign, make

InteractiveShell.instance()
print("HELPERS", helpers.__file__)
print("IPYWIDGETS", ipywidgets.__version__)
VIEW = "application/vnd.jupyter.widget-view+json"
for kind, args, kwargs in EXPLORERS:
    e = make(kind, args, kwargs)
    assert foreign(e) == [], foreign(e)
    eta = e.controls["learning_rate"]
    png, summary = e.view.value, e.summary()
    eta.slider.value = eta._snap(eta.value / 2)  # what a move of the slider sends
    assert eta.text.value == eta.value and e.view.value != png and e.summary() != summary, kind
    eta.text.value = 0.004  # a typed η
    assert eta.value == 0.004 and abs(eta.slider.value - 0.004) < 0.001, (kind, eta.slider.value)
    if isinstance(e, Explorer):
        start = e.controls["start"]
        start.x.value = 0.123  # a start of one's own: the presets show none
        assert start.value[0] == 0.123 and start.presets.value is None, start.value
        name = next(iter(e.controls["compare"].buttons))
        e.controls["compare"].buttons[name].value = not e.controls["compare"].buttons[name].value
        assert (name in e.controls["compare"].value) == (name in e.ghosts), name
    else:
        for schedule in ("power", "piecewise", "1cycle", "constant", "exponential"):
            e.controls["schedule"].value = schedule
        e.controls["boundaries"].value = "50, 300"
    e.controls["steps"].value = 150
    assert e.message.value == "", (kind, e.message.value)
    with capture_output() as shown:
        display(e)
    data = shown.outputs[0].data
    assert len(shown.outputs) == 1 and data[VIEW]["model_id"] == e.model_id, shown.outputs
    assert data["text/plain"] == e.summary() and data["image/png"][:4] == b"\\x89PNG", sorted(data)
    e.reset()
print("CHECKED", len(EXPLORERS))
"""


def test_explorers_work_with_colabs_ipywidgets(colab_python, tmp_path):
    env = clean_env(colab_python, tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])
    result = subprocess.run(
        [str(colab_python), "-c", IPYWIDGETS_7],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"HELPERS {ROOT / 'src'}" in result.stdout, result.stdout  # this checkout's helpers
    assert f"IPYWIDGETS {pinned('ipywidgets')}\n" in result.stdout, result.stdout
    assert "CHECKED" in result.stdout, result.stdout

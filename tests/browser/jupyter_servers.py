"""Start and stop JupyterLab, Voila and the classic Notebook for the browser tests, safely
(see conftest.py).

Each server runs ``jupyter lab`` or ``voila`` from the course's own virtual environment (the
classic Notebook: from the Colab-like one, .venv-colab) on 127.0.0.1, on a free port, with a
random token, in a process group of its own, with Jupyter's and IPython's per-user folders in a
temporary directory, so that nothing leaks in from, or out to, the user's own set-up. ``stop``
ends the server and every process it started.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "00_gradient_descent.ipynb"
START_TIMEOUT = 150  # seconds: a loaded 2-core machine can take a minute to start JupyterLab
# Jupyter refuses to run as root unless told (containers and CI jobs often run as root).
AS_ROOT = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def find_chromium() -> str | None:
    """The system's Chromium (never a downloaded one): $CHROMIUM, then chromium on the PATH."""
    for name in filter(None, (os.environ.get("CHROMIUM"), "chromium", "chromium-browser")):
        found = shutil.which(name)
        if found:
            return found
    return None


def executable(name: str) -> str | None:
    """``name`` from the Python environment running the tests (the course's .venv), else the
    project's .venv."""
    for folder in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    return None


# --------------------------------------------------------------------------------------------
# The notebook

# The cells of 00_gradient_descent.ipynb that the explorer needs, found by their text (not by
# their position, which changes when the notebook is edited).
SETUP_CELL = "from helpers.widgets import explorer"
EXPLORER_HEADING = "move η yourself"
EXPLORER_CELL = 'explorer("gd"'


def trimmed_notebook(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` keeping only the setup cell, the explorer's heading and the
    explorer's cell, without outputs or saved widget state (so that any widget on the page was
    made by the kernel during the test)."""
    import nbformat

    nb = nbformat.read(source, as_version=4)

    def first(cell_type: str, text: str):
        for cell in nb.cells:
            if cell.cell_type == cell_type and text in cell.source:
                return cell
        raise LookupError(f"no {cell_type} cell containing {text!r} in {source}")

    nb.cells = [
        first("code", SETUP_CELL),
        first("markdown", EXPLORER_HEADING),
        first("code", EXPLORER_CELL),
    ]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count, cell.metadata = [], None, {}
    nb.metadata.pop("widgets", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def isolated_env(folder: Path) -> dict:
    """The servers' environment: quick mode, Jupyter's and IPython's per-user folders under
    ``folder``, JupyterLab's news and update checks off (no toast over the screenshot, no
    network), Jupyter's default (inline) matplotlib backend in the kernels."""
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JUPYTER_PATH")}
    env.update(
        FASTER_OPTIMIZERS_QUICK="1",
        JUPYTER_CONFIG_DIR=str(folder / "config"),
        JUPYTER_DATA_DIR=str(folder / "data"),
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(folder / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(folder / "lab-workspaces"),
        IPYTHONDIR=str(folder / "ipython"),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
    )
    settings = folder / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"checkForUpdates": false, "fetchNews": "false"}\n'
    )
    return env


def lab_command(root: Path):
    def command(port: int, token: str) -> list[str]:
        return [
            executable("jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",  # no queries to PyPI
            *AS_ROOT,
        ]

    return command


def notebook6_command(root: Path, jupyter: Path):
    """The classic Notebook (6.5, which Colab's runtime also ships) from the Colab-like
    environment: its frontend renders ipywidgets 7, as Colab's does."""

    def command(port: int, token: str) -> list[str]:
        return [
            str(jupyter),
            "notebook",
            "--no-browser",
            "--NotebookApp.ip=127.0.0.1",
            f"--NotebookApp.port={port}",
            "--NotebookApp.port_retries=0",
            f"--NotebookApp.token={token}",
            f"--NotebookApp.notebook_dir={root}",
            "--NotebookApp.show_banner=False",  # its notice about Notebook 7, over the page
            *AS_ROOT,
        ]

    return command


def colab_env(env: dict, python: Path, source: str) -> dict:
    """``env`` (see isolated_env) for a server from the Colab-like environment: its ``bin``
    first on the PATH (kernels start ``python`` from there), nothing of another virtual
    environment, and the setup cell's ``pip install`` pointed at ``source``."""
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
        FASTER_OPTIMIZERS_SOURCE=source,
    )
    return env


def voila_command(notebook: Path):
    """As ``make demo`` starts Voila, plus a token and a free port."""

    def command(port: int, token: str) -> list[str]:
        return [
            executable("voila"),
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={port}",
            "--Voila.port_retries=0",
            f"--Voila.token={token}",
            str(notebook),
        ]

    return command


# --------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    token: str
    log: Path

    def url(self, path: str = "/") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}{path}{sep}token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def answers(url: str) -> bool:
    """True once an HTTP server answers at ``url`` (with any status)."""
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def descendants(pid: int) -> list:
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing, or the process already gone
        return []


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """End a server started by ``running`` and everything it started.

    SIGTERM first, so that the server shuts its kernels down itself; then SIGKILL for its
    process group and for any descendant left (Jupyter starts kernels in sessions of their
    own, outside the server's process group)."""
    children = descendants(process.pid)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    for child in children:
        with contextlib.suppress(Exception):
            if child.is_running():
                child.kill()


@contextlib.contextmanager
def running(name, command, env, cwd, log_dir: Path, ready_path="/api/status", attempts=3):
    """Start ``command(port, token)``, wait until it answers on ``ready_path``, yield a Server,
    stop it afterwards (also on failure). A server that exits at start (say, because its port
    was taken between choosing and binding it) is tried again, on another port."""
    server = None
    try:
        for attempt in range(attempts):
            port, token = free_port(), secrets.token_hex(24)
            log = log_dir / f"{name}-{attempt}.log"
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    command(port, token),
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, ended as one
                )
            server = Server(name, process, port, token, log)
            deadline = time.monotonic() + START_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                if answers(server.url(ready_path)):
                    break
                time.sleep(0.5)
            if process.poll() is None and answers(server.url(ready_path)):
                break
            code = process.poll()
            stop(process)
            failed, server = server, None
            if code is None:
                why = f"no answer in {START_TIMEOUT} s"
                break
            why = f"exited with code {code}"
        if server is None:
            raise RuntimeError(
                f"{name} did not start ({attempt + 1} tries; the last: {why}). "
                f"The end of its log ({failed.log}):\n{failed.log_tail()}"
            )
        yield server
    finally:
        if server is not None:
            stop(server.process)

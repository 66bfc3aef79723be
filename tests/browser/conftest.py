"""Fixtures for the real-browser tests: a trimmed copy of the notebook, JupyterLab, Voila and
classic Notebook servers (started and stopped by jupyter_servers.py, one per test), and
headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from colab_env import ROOT, colab_python, packages, runtime
from jupyter_servers import (
    NOTEBOOK,
    colab_env,
    executable,
    find_chromium,
    isolated_env,
    lab_command,
    notebook6_command,
    running,
    trimmed_notebook,
    voila_command,
)


@pytest.fixture(scope="session")
def browser_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def explorer_notebook(browser_tmp) -> Path:
    """A trimmed, output-free copy of notebooks/00_gradient_descent.ipynb, alone in a folder."""
    return trimmed_notebook(NOTEBOOK, browser_tmp / "notebooks" / NOTEBOOK.name)


@pytest.fixture(scope="session")
def server_env(browser_tmp) -> dict:
    return isolated_env(browser_tmp / "jupyter")


def _needs(name: str) -> None:
    if executable(name) is None:
        pytest.skip(f"no {name} executable next to this Python: install the course (make setup)")


@pytest.fixture
def lab_server(explorer_notebook, server_env, browser_tmp):
    """``jupyter lab`` serving the trimmed notebook's folder; stopped after the test."""
    _needs("jupyter")
    root = explorer_notebook.parent
    with running("jupyterlab", lab_command(root), server_env, root, browser_tmp) as server:
        yield server


@pytest.fixture
def voila_server(explorer_notebook, server_env, browser_tmp):
    """``voila`` on the trimmed notebook, as ``make demo`` starts it; stopped after the test.
    (Voila answers only the notebook's page, which would start a kernel, and static files: so
    readiness is asked of a static folder.)"""
    _needs("voila")
    command = voila_command(explorer_notebook)
    root = explorer_notebook.parent
    with running(
        "voila", command, server_env, root, browser_tmp, ready_path="/voila/static/"
    ) as server:
        yield server


@pytest.fixture
def notebook6_server(browser_tmp, server_env):
    """The classic Notebook 6.5 with ipywidgets 7 (widgetsnbextension 3.6), from the Colab-like
    environment (tests/colab_env.py), serving its own trimmed copy of the notebook (the classic
    Notebook saves it as it runs). Its kernels run in a runtime of their own without the course
    (colab_env.runtime): the notebook's setup cell installs it there, as in Colab, from this
    checkout as a git repository (as test_colab.py does).
    Yields (server, the runtime's Python, its packages before the run)."""
    python = runtime(browser_tmp / "notebook6-runtime")
    before = packages(python)
    copy = trimmed_notebook(NOTEBOOK, browser_tmp / "notebook6" / NOTEBOOK.name)
    env = colab_env(server_env, python, source=f"git+file://{ROOT}")
    # The server runs from .venv-colab, and Jupyter starts a kernel spec's "python" as the
    # server's own Python: so a spec of its own, first on JUPYTER_PATH, names the runtime's.
    spec = browser_tmp / "notebook6-kernels" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.write_text(json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"}))
    env["JUPYTER_PATH"] = str(spec.parents[2])
    command = notebook6_command(copy.parent, colab_python().parent / "jupyter")
    with running("notebook6", command, env, copy.parent, browser_tmp) as server:
        yield server, python, before


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page, 1280×900 (the screenshots' size), with generous timeouts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()

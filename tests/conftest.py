"""Test settings: no display, quiet TensorFlow, and a short report of measured figures."""

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

# Agg for the tests in this process only; notebook kernels (nbval) keep Jupyter's inline backend.
matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def small_data():
    """640 training and 160 validation 'images' of ten learnable kinds (no download)."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 800).astype(np.uint8)
    X = rng.uniform(0, 0.3, (800, 28, 28)).astype(np.float32)
    X[np.arange(800), y, :] += 0.7  # class k lights up row k
    return (X[:640], y[:640]), (X[640:], y[640:])


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on TensorFlow; a test that needs it is skipped (saying why) where it is missing,
    and the NumPy-only tests beside it still run."""
    from helpers import backend

    try:
        return backend.keras()
    except ImportError as error:
        pytest.skip(f"TensorFlow with Keras 3 is not installed: {error}")


@pytest.fixture
def ipympl_script():
    """A function that runs a Python script in a fresh process under ipympl (importing ipympl
    switches matplotlib's backend for good, so not in this one) and checks that it printed "ok";
    the test is skipped, saying why, where ipympl is missing."""
    import importlib.util
    import textwrap

    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")

    def run(script: str) -> None:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            capture_output=True,
            text=True,
            timeout=300,
            env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
        )
        assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]

    return run


# The worst float32 difference from Keras per optimizer, from test_optimizers.py: gathered here
# from every process that ran some of those tests (pytest-xdist's workers send theirs back).
_KERAS_WORST: dict[str, float] = {}
_TOLERANCE: list[float] = []


def _local_worst() -> tuple[dict, float | None]:
    module = sys.modules.get("test_optimizers")
    return (dict(module.WORST), module.TOLERANCE) if module is not None else ({}, None)


def _gather(worst: dict, tolerance) -> None:
    for name, error in worst.items():
        _KERAS_WORST[name] = max(error, _KERAS_WORST.get(name, 0.0))
    if tolerance is not None:
        _TOLERANCE[:] = [tolerance]


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker
        session.config.workeroutput["keras_worst"] = _local_worst()


def pytest_testnodedown(node, error):
    _gather(*getattr(node, "workeroutput", {}).get("keras_worst", ({}, None)))


def pytest_terminal_summary(terminalreporter):
    """Print the worst float32 difference from Keras per optimizer, when those tests ran."""
    _gather(*_local_worst())
    if not _KERAS_WORST:
        return
    from helpers.optimizers import NAMES

    terminalreporter.section("Keras equivalence (float32, worst error / parameter scale)")
    for name in sorted(_KERAS_WORST, key=lambda n: NAMES.index(n) if n in NAMES else len(NAMES)):
        line = f"{name:10s} {_KERAS_WORST[name]:9.2e}   (tolerance {_TOLERANCE[0]:.0e})"
        terminalreporter.write_line(line)


# Under pytest -n N, the Colab-like environment (tests/colab_env.py) is built in the background as
# soon as the workers have collected, while they run the notebooks: the Colab tests, which
# come later, then find it ready instead of waiting for one of them to build it.
_BACKGROUND: list[subprocess.Popen] = []
_NEEDS_COLAB = ("tests/test_colab.py", "notebook6")


def pytest_xdist_node_collection_finished(node, ids):
    if _BACKGROUND or not any(part in nodeid for nodeid in ids for part in _NEEDS_COLAB):
        return
    build = "from colab_env import colab_python, course_wheel; colab_python(); course_wheel()"
    tests = os.path.dirname(os.path.abspath(__file__))
    env = {**os.environ, "PYTHONPATH": tests}
    _BACKGROUND.append(
        subprocess.Popen(
            [sys.executable, "-c", build],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )


def pytest_unconfigure(config):
    for process in _BACKGROUND:  # a build still running when the tests stop is not left behind
        process.wait()


def pytest_xdist_make_scheduler(config, log):
    """Under ``pytest -n N`` (``make test``) tests spread over N processes one by one, except
    what must stay together: a notebook's cells, which run in order in one kernel. (The largest
    units, the notebooks, are handed out first.)"""
    from xdist.scheduler import LoadScopeScheduling

    class NotebooksTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebooksTogether(config, log)

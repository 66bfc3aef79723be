"""Test settings: no display, quiet TensorFlow, and a short report of measured figures."""

import os
import sys

import matplotlib
import pytest

# Agg for the tests in this process only; notebook kernels (nbval) keep Jupyter's inline backend.
matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on TensorFlow; a test that needs it is skipped (saying why) where it is missing,
    and the NumPy-only tests beside it still run."""
    from helpers import backend

    try:
        return backend.keras()
    except ImportError as error:
        pytest.skip(f"TensorFlow with Keras 3 is not installed: {error}")


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

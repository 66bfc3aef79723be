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


def pytest_terminal_summary(terminalreporter):
    """Print the worst float32 difference from Keras per optimizer, when those tests ran."""
    module = sys.modules.get("test_optimizers")
    if module is None or not module.WORST:
        return
    terminalreporter.section("Keras equivalence (float32, worst error / parameter scale)")
    for name, error in module.WORST.items():
        terminalreporter.write_line(f"{name:10s} {error:9.2e}   (tolerance {module.TOLERANCE:.0e})")

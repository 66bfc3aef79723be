"""Helpers shared by every notebook of the Faster Optimizers course.

Light modules are imported at once; the ones that need Keras or a display are imported on
first use (``helpers.training``, ``helpers.plotting``, ``helpers.widgets``), so that
``import helpers`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import random

import numpy as np

from . import config, optimizers, surfaces, trajectories
from .config import SEED, epochs, quick_mode

__all__ = [
    "SEED",
    "config",
    "data",
    "epochs",
    "optimizers",
    "quick_mode",
    "setup",
    "surfaces",
    "trajectories",
]

_LAZY = {
    "data",
    "training",
    "landscape",
    "plotting",
    "widgets",
    "exercises",
    "experiments",
    "schedules",
}


def setup(seed: int = SEED) -> None:
    """The first call of every notebook: fixed seeds, the course's figure style, and a quiet
    TensorFlow (its informational start-up lines are not shown)."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from . import plotting

    plotting.use_style()


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Helpers shared by every notebook of the Faster Optimizers course.

Light modules are imported at once; the ones that need Keras or a display are imported on
first use (``helpers.training``, ``helpers.plotting``, ``helpers.widgets``), so that
``import helpers`` stays fast.
"""

from __future__ import annotations

import importlib

from . import config, optimizers, surfaces, trajectories
from .config import SEED, epochs, quick_mode

__all__ = [
    "SEED",
    "config",
    "data",
    "epochs",
    "optimizers",
    "quick_mode",
    "surfaces",
    "trajectories",
]

_LAZY = {"data", "training", "plotting", "widgets", "exercises", "experiments", "schedules"}


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

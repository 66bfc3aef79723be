"""Course-wide settings read from the environment: quick mode and where data lives.

- ``FASTER_OPTIMIZERS_QUICK=1``: notebooks train on a small fixed subset for few epochs
  (``make test`` sets it), so each notebook runs in seconds.
- ``FASTER_OPTIMIZERS_DATA=/some/dir``: a directory searched first for Fashion-MNIST and used
  for the fast cached copy.
- ``FASTER_OPTIMIZERS_ALONE=1``: sweeps train their runs one after the other, each by Keras as
  ``training.train`` would alone, not together (``benchmarks/alone.py`` compares the verdicts).
- ``FASTER_OPTIMIZERS_RUNS_LOG=/some/file``: every saved run read or written is noted there
  ("read KEY", "wrote KEY"); ``tools/run_notebooks.py`` checks with it that a notebook reads
  only runs saved before it.
"""

from __future__ import annotations

import os
from pathlib import Path

QUICK_ENV = "FASTER_OPTIMIZERS_QUICK"
DATA_ENV = "FASTER_OPTIMIZERS_DATA"
ALONE_ENV = "FASTER_OPTIMIZERS_ALONE"
RUNS_LOG_ENV = "FASTER_OPTIMIZERS_RUNS_LOG"
SEED = 42

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def quick_mode() -> bool:
    """True when the environment asks for quick mode (small data, few epochs)."""
    return _flag(QUICK_ENV)


def alone() -> bool:
    """True when the environment asks sweeps to train each run alone, by Keras."""
    return _flag(ALONE_ENV)


def epochs(full: int = 10, quick: int = 2) -> int:
    """The number of epochs to train for: ``full`` normally, ``quick`` in quick mode."""
    return quick if quick_mode() else full


def project_root() -> Path | None:
    """The course checkout this package was installed from (editable install), else None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def env_data_dir() -> Path | None:
    """The directory named by ``FASTER_OPTIMIZERS_DATA``, if set."""
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value).expanduser() if value else None


def project_data_dir() -> Path | None:
    """The checkout's ``data/`` folder, or None when installed outside a checkout."""
    root = project_root()
    return root / "data" if root is not None else None


def user_cache_dir() -> Path:
    """Where data goes when there is no checkout (Colab, a plain pip install)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "faster-optimizers"


def cache_dir() -> Path:
    """The first of: ``$FASTER_OPTIMIZERS_DATA``, the checkout's ``data/``, the user cache."""
    return env_data_dir() or project_data_dir() or user_cache_dir()

"""Old public names that still work: each warns (a DeprecationWarning that says what to use
instead) and gives what it gave before.

A module lists its old names and sets ``__getattr__ = deprecated_names(__name__, {...})``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable


def deprecated_names(module: str, names: dict[str, tuple[object, str]]) -> Callable[[str], object]:
    """A module ``__getattr__`` serving ``names``: {old name: (value, what to use instead)}."""

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value, instead = names[name]
        warnings.warn(
            f"{module}.{name} is deprecated; use {instead}", DeprecationWarning, stacklevel=2
        )
        return value

    return __getattr__

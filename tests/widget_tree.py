"""The widgets an explorer is made of, and the frontend modules they need.

Colab's frontend renders the core ipywidgets models only: a widget from any other module (an
ipympl canvas, a third-party control) shows up blank or behind a prompt to allow third-party
widgets. ``foreign`` lists the widgets of an explorer's tree that are not core. Used by
test_widget_models.py (with this environment's ipywidgets) and by test_colab.py (in the
Colab-like environment, with Colab's ipywidgets 7); plain Python, no pytest, for the latter.
"""

from __future__ import annotations

import ipywidgets

CORE = {"@jupyter-widgets/controls", "@jupyter-widgets/base", "@jupyter-widgets/output"}

# Several optimizers (each shows its own hyperparameters) with ghosts to compare, and the
# schedule explorer: (function name in helpers.widgets, args, keywords).
EXPLORERS = [
    ("explorer", ("gd",), {"surface": "bowl", "learning_rate": 0.15}),
    ("explorer", ("momentum",), {"surface": "rosenbrock", "compare": ("gd", "nesterov")}),
    ("explorer", ("adagrad",), {"surface": "beale"}),
    ("explorer", ("rmsprop",), {"surface": "saddle"}),
    ("explorer", ("adam",), {"surface": "rosenbrock", "compare": ("gd", "momentum")}),
    ("explorer", ("adamw",), {"surface": "himmelblau", "weight_decay": 0.01}),
    ("schedule_explorer", ("exponential",), {}),
    ("schedule_explorer", ("1cycle",), {"optimizer": "momentum", "surface": "rosenbrock"}),
]


def _widgets_in(value):
    if isinstance(value, ipywidgets.Widget):
        yield value
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _widgets_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _widgets_in(item)


def walk(root: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    """Every widget reachable from ``root`` through its synced traits (children, layout,
    style, and any other trait that holds widgets), ``root`` included, each once."""
    seen: dict[int, ipywidgets.Widget] = {}
    stack = [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen[id(widget)] = widget
        for key in widget.keys:
            stack.extend(_widgets_in(getattr(widget, key, None)))
    return list(seen.values())


def modules(widget: ipywidgets.Widget) -> tuple[str, str | None]:
    return widget._model_module, widget._view_module


def foreign(root: ipywidgets.Widget) -> list[str]:
    """The widgets under ``root`` whose model or view module is not core ipywidgets, as
    readable lines (a view module of None means no view: allowed)."""
    return [
        f"{type(w).__module__}.{type(w).__name__}: model {m!r}, view {v!r}"
        for w in walk(root)
        for m, v in [modules(w)]
        if m not in CORE or (v is not None and v not in CORE)
    ]


def make(kind: str, args: tuple, kwargs: dict):
    from helpers import widgets

    return getattr(widgets, kind)(*args, **kwargs)

"""Point and click, where the frontend allows it: a click on the explorer's contour plot sets
the start point, and a stability map linked to an explorer sets the map's pair of
hyperparameters (η and β, η and β2, …) with a click and marks where the explorer stands now.

Clicks reach the kernel only through ipympl's canvas (``%matplotlib widget``: JupyterLab,
Notebook 7, VS Code). Everywhere else (Jupyter's inline backend, Colab, Voila without ipympl)
nothing is connected, a short line under the controls says that clicking needs
``%matplotlib widget``, and the boxes and sliders do the same job. The map's marker follows the
explorer's sliders with either backend.

    >>> from helpers import widgets
    >>> e = widgets.explorer("momentum", surface="bowl")
    >>> widgets.explorer_with_map(e, x=("learning_rate", rates), y=("momentum", betas))
"""

from __future__ import annotations

import math

import ipywidgets as W

from .. import plotting, registry
from .controls import _round
from .live_figure import LiveFigure

HINT_CLASS = "faster-optimizers-click-hint"
NEEDS_IPYMPL = "needs <code>%matplotlib widget</code> (ipympl); the boxes and sliders do the same"


def clickable(figure) -> bool:
    """True when ``figure`` is drawn on ipympl's canvas widget, whose clicks reach the kernel
    (not so for the inline backend's PNGs, nor for a canvas without a frontend)."""
    canvas = figure.canvas
    return type(canvas).__module__.startswith("ipympl.") and hasattr(canvas, "mpl_connect")


def hint(what: str, clicks: bool) -> W.HTML:
    """The line that says what a click does, or that clicking needs ipympl."""
    text = f"Click {what}." if clicks else f"Clicking {what} {NEEDS_IPYMPL}."
    line = W.HTML(f"<span style='font-size:85%;color:#555'>{text}</span>")
    line.add_class(HINT_CLASS)
    return line


def _clicked(event, ax) -> tuple[float, float] | None:
    """The data point of a plain left click on ``ax``; None for any other event, and while
    the toolbar's pan or zoom tool holds the canvas."""
    if event.inaxes is not ax or event.button != 1 or getattr(event, "dblclick", False):
        return None
    if event.xdata is None or event.ydata is None:
        return None
    if event.canvas.widgetlock.locked() or str(getattr(event.canvas.toolbar, "mode", "")):
        return None
    if not (math.isfinite(event.xdata) and math.isfinite(event.ydata)):
        return None
    return float(event.xdata), float(event.ydata)


def _tidy(value: float, span: float) -> float:
    """A clicked coordinate to a thousandth of the plot's width (a pixel is no finer)."""
    decades = math.floor(math.log10(span)) if span > 0 and math.isfinite(span) else 0
    return round(value, max(0, 3 - decades)) + 0.0  # + 0.0: no "-0.0"


def _tidy_parameter(control, value: float) -> float:
    """A clicked hyperparameter to three significant digits on its slider's scale (1 − β's
    for β, so that 0.9993 stays 0.9993)."""
    if control.scale == "one_minus_log":
        return round(1.0 - _round(1.0 - value), 12)
    return _round(value)


# --------------------------------------------------------------------------------------------
# The explorer's start point


def offer_start_clicks(explorer) -> W.HTML:
    """Under ipympl, connect a click on the explorer's contour plot to its start point (the
    start boxes show it and the path reruns from there); with any backend, put the hint line
    just above the figure. Returns the hint."""
    explorer.controls["start"].add_class("faster-optimizers-control-start")  # what a click sets
    clicks = clickable(explorer.figure)
    if clicks:

        def start_here(event):
            point = _clicked(event, explorer.ax_surface)
            if point is not None:
                xmin, xmax, ymin, ymax = (
                    explorer.ax_surface.get_xlim() + explorer.ax_surface.get_ylim()
                )
                explorer.controls["start"].value = (
                    _tidy(point[0], abs(xmax - xmin)),
                    _tidy(point[1], abs(ymax - ymin)),
                )

        explorer.figure.canvas.mpl_connect("button_press_event", start_here)
    line = hint("on the contour plot to start the path there", clicks)
    children = list(explorer.children)
    children.insert(children.index(explorer.view) if explorer.view in children else 0, line)
    explorer.children = tuple(children)
    return line


# --------------------------------------------------------------------------------------------
# A stability map linked to an explorer


def _check_pair(explorer, *names):
    """A ValueError unless the explorer has a slider for each of ``names``."""
    missing = [n for n in names if n not in explorer.controls]
    if missing:
        shown = ", ".join(k for k in explorer.controls if k in registry.HYPERPARAMETERS)
        raise ValueError(
            f"the explorer of {registry.display_name(explorer.name)} has no slider for "
            f"{', '.join(missing)}: link a map of two of {shown}"
        )


class MapLink:
    """A stability map's axes linked to an explorer: a marker at the explorer's values of the
    map's two hyperparameters, moved when they move; under ipympl, a click on the map sets
    them. ``redraw`` shows a moved marker (default: ``draw_idle`` under ipympl; nothing with
    the inline backend, whose picture is already sent)."""

    def __init__(self, explorer, ax, data, redraw=None, animated=False):
        _check_pair(explorer, data.x_name, data.y_name)
        self.explorer, self.ax, self.data = explorer, ax, data
        self.clicks = clickable(ax.figure)
        if redraw is None:
            redraw = ax.figure.canvas.draw_idle if self.clicks else (lambda: None)
        self._redraw = redraw
        self.markers = [
            ax.plot(
                [],
                [],
                ls="none",
                marker="o",
                ms=13,
                mfc="none",
                mec=edge,
                mew=width,
                zorder=5,
                animated=animated,
            )[0]
            for edge, width in (("black", 4.0), ("white", 2.0))
        ]
        self.markers[0].set_label("the explorer")
        self._place()
        for name in (data.x_name, data.y_name):
            explorer.controls[name].observe(self._moved, "value")
        if self.clicks:
            ax.figure.canvas.mpl_connect("button_press_event", self._pressed)

    @property
    def values(self) -> tuple[float, float]:
        """The explorer's values of the map's two hyperparameters (x, y)."""
        c = self.explorer.controls
        return c[self.data.x_name].value, c[self.data.y_name].value

    def _place(self):
        x, y = self.values
        for marker in self.markers:
            marker.set_data([x], [y])

    _quiet = False  # True while a click sets both values: one frame after, not one for each

    def _moved(self, change=None):
        if not self._quiet:
            self._place()
            self._redraw()

    def _pressed(self, event):
        point = _clicked(event, self.ax)
        if point is None:
            return
        controls = self.explorer.controls
        x_control, y_control = controls[self.data.x_name], controls[self.data.y_name]
        # Both values, then one rerun and one frame of the map: ipympl's frontend may skip a
        # frame that comes while it still loads the one before, and a frame is sent as its
        # difference from the last, so that a skipped one would leave the marker behind.
        self._quiet = True
        try:
            with self.explorer._muted_updates():
                x_control.value = _tidy_parameter(x_control, point[0])
                y_control.value = _tidy_parameter(y_control, point[1])
        finally:
            self._quiet = False
        self.explorer.update()
        self._moved()


class LinkedMap(LiveFigure, W.VBox):
    """A stability map as a widget, linked to an explorer (see ``linked_map``): drawn once,
    then only its marker is redrawn, in place, with either backend."""

    def __init__(self, explorer, x, y, optimizer=None, surface=None, figsize=(6.0, 4.4), **kw):
        values = explorer.values()
        kw.setdefault("steps", values["steps"])
        kw.setdefault("start", values["start"])
        kw.setdefault("tolerance", explorer.tolerance)
        _check_pair(explorer, x[0], y[0])
        if optimizer is None:  # the explorer's, with its other sliders as they are now
            optimizer = explorer.base if explorer.result is None else explorer.result.optimizer
        surface = explorer._surface if surface is None else surface
        self._make_figure(figsize)
        self.figure.set_layout_engine("constrained")
        self.ax = self.figure.add_subplot()
        _, _, self.data = plotting.stability_map(optimizer, surface, x, y, ax=self.ax, **kw)
        self.link = MapLink(explorer, self.ax, self.data, redraw=self._render, animated=True)
        self.hint = hint("on the map to set " + self._pair() + " in the explorer", self.link.clicks)
        super().__init__([self.hint, self.view])
        self.add_class("faster-optimizers-map")
        self.view.add_class("faster-optimizers-map-figure")
        self._render()

    def _pair(self) -> str:
        return " and ".join(
            registry.SYMBOLS.get(n, n) for n in (self.data.x_name, self.data.y_name)
        )

    def _animated(self):
        yield from self.link.markers

    def summary(self) -> str:
        (x, y), d = self.link.values, self.data
        return (
            f"Stability map of {registry.display_name(d.optimizer.kind)} on {d.surface.title} "
            f"over {d.x_name} and {d.y_name}; the explorer at {d.x_name} = {x:g}, "
            f"{d.y_name} = {y:g}"
        )


def linked_map(explorer, x, y, **kwargs) -> LinkedMap:
    """A stability map of ``explorer``'s optimizer over ``x`` and ``y`` (``(name, values)``
    pairs, as for ``plotting.stability_map``), linked to the explorer: a ring marks the
    explorer's values, and under ipympl a click on the map sets them. By default the map is of
    the explorer's optimizer, surface, start, steps and tolerance as they are now; ``optimizer``,
    ``surface``, ``steps``, ``start``, ``tolerance``, ``xscale``, ``yscale``, ``vmin``, ``vmax``
    and ``figsize`` override them."""
    return LinkedMap(explorer, x, y, **kwargs)


def explorer_with_map(explorer, x, y, **kwargs) -> W.Box:
    """The explorer and its linked stability map (``linked_map``), side by side where the page
    is wide enough, the map above otherwise."""
    view = LinkedMap(explorer, x, y, **kwargs)
    box = W.Box(
        [view, explorer],
        layout=W.Layout(display="flex", flex_flow="row wrap", align_items="flex-start"),
    )
    box.add_class("faster-optimizers-explorer-with-map")
    box.map, box.explorer = view, explorer
    return box


__all__ = [
    "HINT_CLASS",
    "LinkedMap",
    "MapLink",
    "clickable",
    "explorer_with_map",
    "hint",
    "linked_map",
    "offer_start_clicks",
]

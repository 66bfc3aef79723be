"""The explorers' controls: a slider and a text box sharing one value (which may be a bad one,
so that it can be reported), a whole-number control, a start-point picker, a checklist; and which
hyperparameters each optimizer shows as sliders, and with which first learning rate."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import traitlets

from .. import registry
from ..registry import family

# --------------------------------------------------------------------------------------------
# Controls: a slider for moving, a text box for typing, and one unconstrained ``value``


class _Composite(W.HBox):
    """A slider and a text box sharing one ``value`` that accepts anything (so that a bad value
    can be typed or set, and reported), while the slider shows the nearest good one."""

    _syncing = False

    def _guarded(self, function, *args):
        if self._syncing:
            return
        self._syncing = True
        try:
            function(*args)
        finally:
            self._syncing = False


def _round(x: float, digits: int = 3) -> float:
    """x to ``digits`` significant digits (slider positions give long floats)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


class ParameterControl(_Composite):
    """One hyperparameter: a slider (logarithmic where the scale is) and a box to type into.

    scale "log": the slider moves log₁₀(value). scale "one_minus_log": the slider moves
    log₁₀(1 − value), so that β = 0.9, 0.99, 0.999, 0.9999 are equally far apart and exactly
    reachable. scale "linear": an ordinary slider.
    """

    value = traitlets.Float()

    def __init__(self, name, symbol, value, scale="log", low=-5.0, high=1.0, step=0.05):
        self.name, self.scale = name, scale
        if scale == "linear":
            self.slider = W.FloatSlider(min=low, max=high, step=step, readout=False)
        else:
            self.slider = W.FloatLogSlider(base=10, min=low, max=high, step=step, readout=False)
        self.slider.layout = W.Layout(width="220px")
        self.text = W.FloatText(layout=W.Layout(width="95px"))
        label = W.HTML(f"<b>{html.escape(symbol)}</b>", layout=W.Layout(width="28px"))
        label.tooltip = name
        super().__init__([label, self.slider, self.text], layout=W.Layout(align_items="center"))
        self.add_class("faster-optimizers-control")
        self.add_class(f"faster-optimizers-control-{name}")
        self.value = float(value)
        self._show(self.value)
        self.slider.observe(lambda c: self._guarded(self._from_slider, c["new"]), "value")
        self.text.observe(lambda c: self._guarded(self._from_text, c["new"]), "value")
        self.observe(lambda c: self._guarded(self._show, c["new"]), "value")

    def _to_slider(self, value):
        if self.scale == "one_minus_log":
            return 1.0 - value
        return value

    def _snap(self, position: float) -> float:
        """The slider position the browser will show for ``position`` (on the slider's grid),
        so that the browser has nothing to correct and sends nothing back."""
        low, step = self.slider.min, self.slider.step
        if self.scale == "linear":
            return low + round((position - low) / step) * step
        return 10.0 ** (low + round((math.log10(position) - low) / step) * step)

    def _from_slider(self, position):
        current = self._to_slider(self.value)
        if math.isfinite(current) and (self.scale == "linear" or current > 0):
            if math.isclose(position, self._snap(current), rel_tol=1e-9, abs_tol=1e-12):
                return  # the browser echoing the grid point of the current value, not a move
        if self.scale == "one_minus_log":  # the slider moves 1 − β
            value = round(1.0 - _round(position), 12)
        else:
            value = _round(position)
        self.text.value = value
        self.value = value

    def _from_text(self, value):
        self.value = value
        self._move_slider(value)

    def _show(self, value):
        self.text.value = value
        self._move_slider(value)

    def _move_slider(self, value):
        position = self._to_slider(value)
        if math.isfinite(position) and (self.scale == "linear" or position > 0):
            low, high = self.slider.min, self.slider.max
            if self.scale != "linear":
                low, high = 10.0**low, 10.0**high
            self.slider.value = self._snap(min(max(position, low), high))


class IntControl(_Composite):
    """An integer (the number of steps): a slider and a box, one unconstrained ``value``."""

    value = traitlets.Int()

    def __init__(self, name, symbol, value, low=1, high=1000):
        self.name = name
        self.slider = W.IntSlider(min=low, max=high, readout=False, layout=W.Layout(width="220px"))
        self.text = W.IntText(layout=W.Layout(width="95px"))
        label = W.HTML(f"<b>{html.escape(symbol)}</b>", layout=W.Layout(width="45px"))
        super().__init__([label, self.slider, self.text], layout=W.Layout(align_items="center"))
        self.value = int(value)
        self._show(self.value)
        self.slider.observe(lambda c: self._guarded(self._set, c["new"]), "value")
        self.text.observe(lambda c: self._guarded(self._set, c["new"]), "value")
        self.observe(lambda c: self._guarded(self._show, c["new"]), "value")

    def _set(self, value):
        self.value = int(value)
        self._show(self.value)

    def _show(self, value):
        self.text.value = value
        self.slider.value = min(max(value, self.slider.min), self.slider.max)


class PointControl(_Composite):
    """A start point: one of the surface's suggested starts, or any (θ1, θ2) typed in."""

    value = traitlets.Tuple(traitlets.Float(), traitlets.Float())

    def __init__(self, starts, value=None):
        self.presets = W.Dropdown(layout=W.Layout(width="150px"))
        self.x = W.FloatText(layout=W.Layout(width="80px"))
        self.y = W.FloatText(layout=W.Layout(width="80px"))
        label = W.HTML("<b>start</b>", layout=W.Layout(width="45px"))
        super().__init__(
            [label, self.presets, self.x, self.y], layout=W.Layout(align_items="center")
        )
        self.set_starts(starts, value)
        self.presets.observe(lambda c: self._guarded(self._from_preset, c["new"]), "value")
        for box in (self.x, self.y):
            box.observe(lambda c: self._guarded(self._from_boxes), "value")
        self.observe(lambda c: self._guarded(self._show, c["new"]), "value")

    def set_starts(self, starts, value=None):
        """New suggested starts (for a new surface); the value becomes ``value`` or the first."""
        options = [(f"({x:g}, {y:g})", (float(x), float(y))) for x, y in starts]
        self._syncing = True
        try:
            self.presets.options = options + [("typed", None)]
        finally:
            self._syncing = False
        self.value = tuple(map(float, value if value is not None else starts[0]))
        self._guarded(self._show, self.value)

    def _from_preset(self, point):
        if point is not None:
            self.value = point
            self.x.value, self.y.value = point

    def _from_boxes(self):
        self.value = (float(self.x.value), float(self.y.value))
        self._match_preset(self.value)

    def _show(self, point):
        self.x.value, self.y.value = point
        self._match_preset(point)

    def _match_preset(self, point):
        known = [v for _, v in self.presets.options if v is not None]
        self.presets.value = tuple(point) if tuple(point) in known else None


class Checklist(W.HBox):
    """Toggle buttons whose ``value`` is the tuple of the names switched on."""

    value = traitlets.Tuple()

    def __init__(self, options, value=()):
        self.buttons = {
            name: W.ToggleButton(
                description=registry.display_name(name),
                value=name in value,
                layout=W.Layout(width="auto"),
                tooltip=f"compare with {registry.display_name(name)} from the same start",
            )
            for name in options
        }
        label = W.HTML("<b>compare</b>", layout=W.Layout(width="65px"))
        super().__init__([label, *self.buttons.values()], layout=W.Layout(flex_flow="row wrap"))
        self.value = tuple(name for name in options if name in value)
        for button in self.buttons.values():
            button.observe(self._from_buttons, "value")
        self.observe(self._show, "value")

    def _from_buttons(self, change):
        chosen = tuple(name for name, b in self.buttons.items() if b.value)
        if chosen != self.value:
            self.value = chosen

    def _show(self, change):
        for name, button in self.buttons.items():
            button.value = name in change["new"]


# --------------------------------------------------------------------------------------------
# Which hyperparameters each optimizer shows, and how


# The sliders (symbol, scale, low, high, step) and each optimizer's controls, from the registry.
SLIDERS = {
    name: (h.symbol, h.scale, h.low, h.high, h.step) for name, h in registry.HYPERPARAMETERS.items()
}
CONTROLLED = {name: record.sliders for name, record in registry.OPTIMIZERS.items()}

# A learning rate that makes a readable first picture on each surface, per family of optimizer
# (chosen from 200-step runs: the adaptive methods move about η per step whatever the slope,
# gradient descent and momentum move η times the slope).
START_LEARNING_RATE = {
    "bowl": {"sgd": 0.05, "adaptive": 0.2},
    "rosenbrock": {"sgd": 0.002, "adaptive": 0.2},
    "beale": {"sgd": 0.01, "adaptive": 0.1},
    "himmelblau": {"sgd": 0.01, "adaptive": 0.1},
    "saddle": {"sgd": 0.05, "adaptive": 0.05},
    "plateau": {"sgd": 0.5, "adaptive": 0.1},
}


def suggested_learning_rate(name: str, surface: str) -> float:
    return START_LEARNING_RATE.get(surface, {}).get(family(name), 0.01)


def _controlled(name: str, hyperparameters) -> list[str]:
    names = list(registry.sliders(name))
    names += [k for k in hyperparameters if k not in names and k in SLIDERS]
    return names

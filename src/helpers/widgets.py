"""The live explorer: move η, β, β1, β2, ε and watch the optimizer's path move with them.

    >>> from helpers.widgets import explorer
    >>> explorer("momentum", surface="rosenbrock", compare=("gd",), learning_rate=0.001)

One call returns one widget (a box) holding the controls and the figure. ``.controls`` maps the
Keras hyperparameter names ("learning_rate", "momentum", "rho", "beta_1", "beta_2", "epsilon",
"weight_decay", as the optimizer has them) and "steps", "surface", "start" and "compare" to their
widgets; ``.figure`` is the matplotlib Figure. Setting a control's ``.value`` in code updates the
figure at once, as moving it does.

How it stays fast: the figure is made once. Contours, axes and legend are drawn once into a
background bitmap; a move only reruns the optimizer (a few milliseconds of NumPy), moves the
lines with ``set_data`` and draws those few artists over the background (blitting). With
Jupyter's default inline backend the frame is sent as a PNG to an ``ipywidgets.Image``; with
ipympl (``%matplotlib widget``) the figure's own canvas is used (made without pyplot, so that
re-running a cell leaves no figure behind). Axes limits snap to whole decades and round numbers
of steps and only grow while a slider moves, so that they (and with them the background)
rarely change; each surface's contours and backgrounds are kept for coming back to it, and
reset gives back the first picture.

Bad values (η ≤ 0, β outside [0, 1), ε ≤ 0, steps ≤ 0, a start far out), typed, set in code
or given when the explorer is made, show a message (its text is ``.error``) and keep the last
good plot; so does anything else that goes wrong in an update. A diverging run is drawn and
labelled, never raised.
"""

from __future__ import annotations

import html
import io
import itertools
import math

import ipywidgets as W
import matplotlib as mpl
import numpy as np
import traitlets
from matplotlib.figure import Figure

from . import optimizers as O
from . import plotting as P
from . import surfaces as S
from .portable import show
from .trajectories import Trajectory, run

_FIGURE_NUMBERS = itertools.count(1)  # ipympl's figure labels: Figure 1, Figure 2, …

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
                description=O.DISPLAY_NAMES.get(name, name),
                value=name in value,
                layout=W.Layout(width="auto"),
                tooltip=f"compare with {O.DISPLAY_NAMES.get(name, name)} from the same start",
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


SLIDERS = {
    # name: (symbol, scale, low, high, step); log scales in powers of ten
    "learning_rate": ("η", "log", -5.0, 1.0, 0.05),
    "momentum": ("β", "one_minus_log", -4.0, 0.0, 0.05),
    "rho": ("ρ", "one_minus_log", -4.0, 0.0, 0.05),
    "beta_1": ("β1", "one_minus_log", -4.0, 0.0, 0.05),
    "beta_2": ("β2", "one_minus_log", -5.0, 0.0, 0.05),
    "epsilon": ("ε", "log", -10.0, 0.0, 0.1),
    "weight_decay": ("λ", "log", -5.0, 0.0, 0.1),
    "initial_accumulator_value": ("s₀", "linear", 0.0, 1.0, 0.01),
}

CONTROLLED = {
    "gd": ("learning_rate",),
    "momentum": ("learning_rate", "momentum"),
    "nesterov": ("learning_rate", "momentum"),
    "nesterov_lookahead": ("learning_rate", "momentum"),
    "adagrad": ("learning_rate", "epsilon", "initial_accumulator_value"),
    "rmsprop": ("learning_rate", "rho", "epsilon"),
    "adam": ("learning_rate", "beta_1", "beta_2", "epsilon"),
    "adamax": ("learning_rate", "beta_1", "beta_2", "epsilon"),
    "nadam": ("learning_rate", "beta_1", "beta_2", "epsilon"),
    "adamw": ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon"),
}

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


def family(name: str) -> str:
    """ "sgd" for gradient descent and the momentum methods, "adaptive" for the others."""
    return "sgd" if name in ("gd", "momentum", "nesterov", "nesterov_lookahead") else "adaptive"


def suggested_learning_rate(name: str, surface: str) -> float:
    return START_LEARNING_RATE.get(surface, {}).get(family(name), 0.01)


def _controlled(name: str, hyperparameters) -> list[str]:
    names = list(CONTROLLED.get(name, ("learning_rate",)))
    names += [k for k in hyperparameters if k not in names and k in SLIDERS]
    return names


# --------------------------------------------------------------------------------------------
# The explorer


class LiveFigure:
    """A figure drawn once, then updated by moving its artists and blitting them over a cached
    background: the machinery the explorers share. Subclasses list their moving artists in
    ``_animated`` and set ``self._background = None`` when something static changes; those
    that describe their static state in ``_static_key`` get a background per state, kept, so
    that coming back to one (a surface seen before, a reset) needs no full draw."""

    _kept_backgrounds = 6  # at most this many backgrounds (a few MB each) per figure

    def _make_figure(self, figsize=(11, 4.6), dpi=90):
        self._ipympl = "ipympl" in mpl.get_backend() or "widget" in mpl.get_backend()
        if self._ipympl:
            # ipympl's canvas and manager, made directly: ``plt.figure`` would register the
            # figure with pyplot, and every re-run of the cell would leave one more behind.
            from ipympl.backend_nbagg import Canvas, FigureManager

            self.figure = Figure(figsize=figsize)
            FigureManager(Canvas(self.figure), next(_FIGURE_NUMBERS))
            self.view = self.figure.canvas
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            self.figure = Figure(figsize=figsize, dpi=dpi)
            FigureCanvasAgg(self.figure)
            self.view = W.Image(format="png", layout=W.Layout(max_width="100%", height="auto"))
        self._canvas = self.figure.canvas
        self._canvas.mpl_connect("draw_event", self._drawn)
        self._background = None
        self._background_renderer = None
        self._backgrounds: dict = {}
        self.redraws = {"blit": 0, "full": 0, "kept": 0}

    def _animated(self):  # pragma: no cover - each subclass lists its own moving artists
        return iter(())

    def _static_key(self):
        """What the background shows, as a hashable value (None: backgrounds are not kept)."""
        return None

    def _draw_animated(self):
        for artist in self._animated():
            if artist.get_visible():
                artist.axes.draw_artist(artist)

    def _drawn(self, event):
        """After every full draw (ours, or one that ipympl's frontend asks for on a resize or a
        refresh): keep the static picture as the background and draw the moving artists over
        it, so that the frame shows them."""
        canvas = self._canvas
        if event.canvas is not canvas or canvas.is_saving():
            return
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        self._background_renderer = canvas.get_renderer()
        self._draw_animated()

    def _render(self):
        canvas = self._canvas
        renderer = canvas.get_renderer()
        if renderer is not self._background_renderer:  # resized, or a new dpi
            self._background, self._backgrounds = None, {}
        key = self._static_key()
        if key is not None:
            key = (key, renderer.width, renderer.height, self.figure.dpi)
        if self._background is None and key in self._backgrounds:
            self._background = self._backgrounds[key]
            self.redraws["kept"] += 1
        if self._background is None:
            canvas.draw()  # the static parts: contours, axes, ticks, legend (and see _drawn)
            self.redraws["full"] += 1
            if key is not None:
                while len(self._backgrounds) >= self._kept_backgrounds:
                    self._backgrounds.pop(next(iter(self._backgrounds)))
                self._backgrounds[key] = self._background
        else:
            canvas.restore_region(self._background)
            self._draw_animated()
            self.redraws["blit"] += 1
            if self._ipympl:
                canvas.blit(self.figure.bbox)
        if not self._ipympl:
            self.view.value = self.to_png()

    def to_png(self) -> bytes:
        """The current frame as PNG bytes (from the Agg buffer, without drawing again)."""
        from PIL import Image

        rgba = np.asarray(self.figure.canvas.buffer_rgba())
        height, width = rgba.shape[:2]
        rgb = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
        # A 256-colour palette: a third of the bytes and half the time of a full-colour PNG,
        # with no visible difference on these figures.
        image = rgb.quantize(256, Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        image.save(out, format="png", compress_level=1)
        return out.getvalue()

    def savefig(self, path) -> None:
        """Save the current frame as a PNG file."""
        with open(path, "wb") as f:
            f.write(self.to_png())

    def _set_limits(self, limits: list, context=None) -> None:
        """Apply [(axes, (xmin, xmax), (ymin, ymax)), …]; a change means a full redraw.

        While ``context`` stays the same (say, the same surface and number of steps), the y
        ranges only grow, so that moving a slider back and forth rarely redraws everything.
        """
        previous = getattr(self, "_live_limits", None)
        if previous is not None and context == getattr(self, "_live_context", None):
            limits = [
                (ax, x, (min(y[0], old[1][0]), max(y[1], old[1][1])))
                for (ax, x, y), old in zip(limits, previous)
            ]
        self._live_context = context
        key = [(x, y) for _, x, y in limits]
        if key != previous:
            for ax, x, y in limits:
                ax.set_xlim(*x)
                ax.set_ylim(*y)
            self._live_limits = key
            self._background = None

    def _message(self, error: Exception) -> str:
        return (
            f"<span style='color:#b00020'>⚠ {html.escape(str(error))}. "
            "The plot shows the last good values.</span>"
        )

    def _repr_mimebundle_(self, **kwargs):
        parent = getattr(super(), "_repr_mimebundle_", None)  # ipywidgets 8; 7 has none
        if parent is not None:
            bundle = parent(**kwargs)
        elif self.comm is not None:  # the view ipywidgets 8 would name (none once closed)
            view = {"version_major": 2, "version_minor": 0, "model_id": self.model_id}
            bundle = {"application/vnd.jupyter.widget-view+json": view}
        else:
            bundle = {}
        bundle["text/plain"] = self.summary()
        bundle["image/png"] = self.to_png()  # what readers without a live kernel see
        return bundle

    if not hasattr(W.Widget, "_repr_mimebundle_"):  # ipywidgets 7 (Colab's) displays itself

        def _ipython_display_(self, **kwargs):
            from IPython.display import display

            display(self._repr_mimebundle_(), raw=True)
            self._handle_displayed(**kwargs)


class BadValue(ValueError):
    """A control's value that cannot be used (the widget shows the message)."""


MAX_STEPS = 10_000  # more would not stay live
MAX_START = 1e6  # farther starts overflow the surfaces' losses and say nothing more


LIMIT_SLACK = 3  # decades a log axis may show beyond what new runs need, to stay still


def _steady(current: tuple, needed: tuple, slack: float) -> tuple:
    """Log-axis limits: ``current`` grown to hold ``needed``, or ``needed`` itself when that
    would leave more than ``slack`` decades unused."""
    low, high = min(current[0], needed[0]), max(current[1], needed[1])
    unused = math.log10(high) - math.log10(low) - (math.log10(needed[1]) - math.log10(needed[0]))
    return (low, high) if unused <= slack + 1e-9 else needed


def _round_up(steps: int) -> int:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10ᵏ that is ≥ steps (an axis length)."""
    scale = 10 ** max(0, math.floor(math.log10(max(steps, 1))))
    return next(int(m * scale) for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10) if m * scale >= steps)


class Explorer(LiveFigure, W.VBox):
    """The live explorer widget (see the module's docstring); make one with ``explorer``."""

    def __init__(
        self,
        optimizer="adam",
        surface="rosenbrock",
        compare=(),
        steps=200,
        start=None,
        tolerance=1e-6,
        show_state=True,
        **hyperparameters,
    ):
        self.name = optimizer if isinstance(optimizer, str) else optimizer.kind
        base = O.get(optimizer) if not isinstance(optimizer, str) else O.get(self.name)
        surface_name = surface if isinstance(surface, str) else surface.name
        hyperparameters.setdefault(
            "learning_rate", suggested_learning_rate(self.name, surface_name)
        )
        unknown = [k for k in hyperparameters if k not in base.hyperparameters]
        if unknown:
            raise TypeError(f"{self.name} has no hyperparameter {', '.join(map(repr, unknown))}")
        # The sliders' values are checked at each update, as a move's are: a bad one gives the
        # message, not an exception. The others (nesterov, amsgrad, …) are fixed here.
        fixed = {k: v for k, v in hyperparameters.items() if k not in SLIDERS}
        self.base = base.replace(**fixed)
        self.tolerance = tolerance
        self.show_state = show_state
        self._surface = S.get(surface)
        self.initial = {
            **{
                k: hyperparameters.get(k, getattr(self.base, k))
                for k in _controlled(self.name, hyperparameters)
            },
            "steps": int(steps),
            "surface": self._surface.name,
            "start": tuple(map(float, start if start is not None else self._surface.starts[0])),
            "compare": tuple(compare),
        }
        self.result: Trajectory | None = None  # None until the controls first hold good values
        self.ghosts: dict[str, Trajectory] = {}
        self._ghost_runs: dict[tuple, Trajectory] = {}
        self._good = None  # what the plot shows: the last good runs and their axis limits
        self.error = ""  # what the message says is wrong, as plain text ("" when all is well)
        self._build_controls()
        self._build_figure()
        self.message = W.HTML(layout=W.Layout(min_height="1.5em"))
        self.readout = W.HTML()
        self.reset_button = W.Button(
            description="reset", icon="undo", layout=W.Layout(width="90px")
        )
        self.reset_button.on_click(lambda _: self.reset())
        column = [self.controls[k] for k in self.initial if k in SLIDERS]
        side = [
            self.controls["surface"],
            self.controls["start"],
            self.controls["steps"],
            self.reset_button,
        ]
        super().__init__(
            [
                W.HBox([W.VBox(column), W.VBox(side)], layout=W.Layout(flex_flow="row wrap")),
                self.controls["compare"],
                self.message,
                self.view,
                self.readout,
            ]
        )
        # Stable names for pages and browser tests to find the parts by.
        self.add_class("faster-optimizers-explorer")
        self.view.add_class("faster-optimizers-figure")
        self.readout.add_class("faster-optimizers-readout")
        for control in self.controls.values():
            control.observe(self._changed, "value")
        self.update()

    # --- building ---------------------------------------------------------------------------
    def _build_controls(self):
        self.controls = {}
        for key in self.initial:
            if key in SLIDERS:
                symbol, scale, low, high, step = SLIDERS[key]
                self.controls[key] = ParameterControl(
                    key, symbol, self.initial[key], scale, low, high, step
                )
        self.controls["steps"] = IntControl("steps", "steps", self.initial["steps"])
        self.controls["surface"] = W.Dropdown(
            options=S.names(),
            value=self._surface.name,
            description="surface",
            layout=W.Layout(width="240px"),
        )
        self.controls["start"] = PointControl(self._surface.starts, self.initial["start"])
        others = [n for n in O.NAMES if n != self.name]
        self.controls["compare"] = Checklist(others, self.initial["compare"])

    def _build_figure(self):
        self._make_figure((11, 4.6))
        grid = self.figure.add_gridspec(
            2,
            2,
            width_ratios=[1.1, 1],
            hspace=0.5,
            wspace=0.2,
            left=0.06,
            right=0.98,
            top=0.93,
            bottom=0.11,
        )
        self.ax_surface = self.figure.add_subplot(grid[:, 0])
        self.ax_loss = self.figure.add_subplot(grid[0, 1])
        self.ax_state = self.figure.add_subplot(grid[1, 1]) if self.show_state else None
        if not self.show_state:
            self.ax_loss.set_position(grid[:, 1].get_position(self.figure))
        self._contours = []
        self._surface_artists: dict[tuple, list] = {}
        self._paths: dict[str, P.PathArtists] = {}
        self._loss_lines: dict[str, mpl.lines.Line2D] = {}
        self._state_lines: list[mpl.lines.Line2D] = []
        self._limits = None
        self._background = None
        self._draw_surface()
        self._add_run_artists(self.name, ghost=False)
        if self.ax_state is not None:
            c = P.color(self.name)
            for style, label in (("-", "θ1"), ("--", "θ2")):
                (line,) = self.ax_state.plot(
                    [], [], style, color=c, lw=1.8, label=label, animated=True
                )
                self._state_lines.append(line)
            self.ax_state.set(yscale="log", xlabel="step")
            self.ax_state.legend(loc="upper right", fontsize=8)
        self.ax_loss.set(yscale="log", xlabel="step", title="loss $J(θ) - J^*$, log scale")
        for ax in (self.ax_loss, self.ax_state):
            if ax is not None:  # decade labels only: minor tick labels cost time and say little
                ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
                ax.yaxis.set_major_locator(mpl.ticker.LogLocator(numticks=6))

    def _draw_surface(self):
        """The surface's contours and minima: computed the first time, kept for coming back."""
        ax = self.ax_surface
        for artist in self._contours:
            artist.remove()
        key = (self._surface.name, self._surface.title)
        if key in self._surface_artists:
            self._contours = self._surface_artists[key]
            for artist in self._contours:
                if isinstance(artist, mpl.lines.Line2D):
                    ax.add_line(artist)
                else:
                    ax.add_collection(artist, autolim=False)
            xmin, xmax, ymin, ymax = self._surface.window
            ax.set(xlim=(xmin, xmax), ylim=(ymin, ymax), title=self._surface.title)
        else:
            before = set(ax.get_children())
            P.draw_surface(self._surface, ax)
            self._contours = [a for a in ax.get_children() if a not in before]
            self._surface_artists[key] = self._contours
        for artists in self._paths.values():
            artists.window = self._surface.window

    def _add_run_artists(self, name, ghost):
        c = P.color(name)
        label = self.ghost_label(name) if ghost else O.DISPLAY_NAMES.get(name, name)
        artists = P.draw_path(
            self.ax_surface, None, color=c, label=label, ghost=ghost, window=self._surface.window
        )
        artists.line.set_marker(P.MARKERS.get(name, "o"))
        for artist in (artists.line, artists.start, artists.end, artists.cross, artists.note):
            artist.set_animated(True)
        self._paths[name] = artists
        (line,) = self.ax_loss.plot(
            [], [], color=c, lw=1.5 if ghost else 2.0, alpha=0.6 if ghost else 1, animated=True
        )
        self._loss_lines[name] = line

    # --- the update --------------------------------------------------------------------------
    _muted = False  # True while several controls change at once (reset, a new surface)

    def _changed(self, change):
        if change["owner"] is self.controls["surface"]:
            try:
                self._set_surface(change["new"])
            except Exception as error:  # noqa: BLE001 - shown in the widget, see _failed
                self._failed(error)
                return
        if not self._muted:
            self.update()

    def _set_surface(self, name):
        self._surface = S.get(name)
        self._draw_surface()
        self._background = None
        muted, self._muted = self._muted, True
        try:
            self.controls["start"].set_starts(self._surface.starts)
        finally:
            self._muted = muted

    def values(self) -> dict:
        """The controls' current values."""
        return {k: c.value for k, c in self.controls.items()}

    def _validated(self):
        """(optimizer, steps, start) from the controls, or a BadValue saying what is wrong."""
        hp = {k: self.controls[k].value for k in self.initial if k in SLIDERS}
        try:
            optimizer = self.base.replace(**hp)
        except ValueError as error:
            raise BadValue(str(error)) from None
        steps = self.controls["steps"].value
        if steps <= 0:
            raise BadValue(f"steps must be a whole number ≥ 1; got {steps}")
        if steps > MAX_STEPS:
            raise BadValue(f"steps must be at most {MAX_STEPS:,} to stay live; got {steps}")
        start = np.asarray(self.controls["start"].value, dtype=float)
        shown = f"({start[0]:g}, {start[1]:g})"
        if not np.isfinite(start).all():
            raise BadValue(f"the start point must be two finite numbers; got {shown}")
        if np.abs(start).max() > MAX_START:
            raise BadValue(f"the start point must lie within ±{MAX_START:g}; got {shown}")
        with np.errstate(all="ignore"):
            if not np.isfinite(self._surface.loss(start)):
                raise BadValue(f"the loss at the start point {shown} is not a finite number")
        return optimizer, steps, start

    def ghost_optimizer(self, name: str, optimizer: O.Optimizer) -> O.Optimizer:
        """A compared optimizer. Of the same family (gradient descent and momentum methods, or
        adaptive methods) it shares every hyperparameter it also has, η included, so that it
        moves with the sliders; of the other family it keeps Keras's defaults and its own
        learning rate for the surface (one η cannot suit both families)."""
        if family(name) != family(self.name):
            return O.get(name, learning_rate=suggested_learning_rate(name, self._surface.name))
        shared = {
            k: v for k, v in optimizer.hyperparameters.items() if k in CONTROLLED.get(name, ())
        }
        return O.get(name, **shared)

    def ghost_label(self, name: str) -> str:
        display = O.DISPLAY_NAMES.get(name, name)
        if family(name) == family(self.name):
            return f"{display} (same η)"
        return f"{display} (η = {suggested_learning_rate(name, self._surface.name):g})"

    def update(self) -> None:
        """Rerun the optimizer(s) with the controls' values and redraw. Never raises: a bad
        value, or anything else that goes wrong, gives a message and the last good plot stays."""
        try:
            self._update()
        except Exception as error:  # noqa: BLE001 - shown in the widget, see _failed
            self._failed(error)

    def _update(self):
        optimizer, steps, start = self._validated()
        result = run(optimizer, self._surface, start=start, steps=steps)
        ghosts = {}
        for name in self.controls["compare"].value:
            try:
                ghost = self.ghost_optimizer(name, optimizer)
            except ValueError:
                continue
            ghosts[name] = self._ghost_run(ghost, start, steps)
        self.result, self.ghosts = result, ghosts
        self._update_artists()
        self._render()
        self.readout.value = self._readout_html()
        self.message.value, self.error = "", ""
        self._good = (result, ghosts, self._limits, self._limits_context)

    def _ghost_run(self, ghost: O.Optimizer, start, steps) -> Trajectory:
        """A compared run, kept: a ghost that does not share the moving control (another
        family's, or gradient descent while β moves) is not run again."""
        key = (ghost, self._surface.name, self._surface.title, tuple(start), steps)
        if key not in self._ghost_runs:
            if len(self._ghost_runs) >= 32:
                self._ghost_runs.pop(next(iter(self._ghost_runs)))
            self._ghost_runs[key] = run(
                ghost, self._surface, start=start, steps=steps, record_state=False
            )
        return self._ghost_runs[key]

    def _failed(self, error: Exception) -> None:
        """Say what is wrong, and put back the last good plot (or an empty one, if none yet)."""
        if isinstance(error, BadValue):
            self.error = str(error)
        else:  # not a bad value but a failure: say what it was, in case it is a bug to report
            self.error = f"these values could not be drawn ({type(error).__name__}: {error})"
        self.message.value = self._message(self.error)
        try:
            if self._good is None:
                self._draw_empty()
            elif self._good[0].surface.title != self._surface.title:
                pass  # a new surface whose contours are drawn: the next good values show on it
            elif self.result is not self._good[0] or self._limits is not self._good[2]:
                self.result, self.ghosts, self._limits, self._limits_context = self._good
                self._update_artists()
                self._render()
                self.readout.value = self._readout_html()
        except Exception:  # noqa: BLE001 - the message already says what went wrong
            pass

    def _draw_empty(self):
        """The surface without paths, while the controls have never held good values."""
        self.result, self.ghosts = None, {}
        for artists in self._paths.values():
            artists.update(None)
        for line in (*self._loss_lines.values(), *self._state_lines):
            line.set_visible(False)
        if self._limits is None:
            steps = self.controls["steps"].value
            for ax in (self.ax_loss, self.ax_state):
                if ax is not None:
                    ax.set_xlim(0, steps if 1 <= steps <= MAX_STEPS else self.initial["steps"])
                    ax.set_ylim(1e-12, 1.0)
            self._background = None
        self._render()
        self.readout.value = ""

    def _update_artists(self):
        for name in list(self.ghosts):
            if name not in self._paths:
                self._add_run_artists(name, ghost=True)
                self._background = None
        shown = {self.name: self.result, **self.ghosts}
        every = max(1, self.result.steps // 60)  # a marker per step, unless that is a crowd
        for name, artists in self._paths.items():
            artists.update(shown.get(name))
            artists.line.set_markevery(every)
            line = self._loss_lines[name]
            if name in shown:
                y = P.loss_values(shown[name])
                line.set_data(np.arange(len(y)), y)
                line.set_visible(True)
            else:
                line.set_visible(False)
        if self.ax_state is not None:
            title, series = P.state_series(self.result)
            for line, values in zip(self._state_lines, series.values()):
                line.set_data(np.arange(len(values)), values)
                line.set_visible(True)
            if self.ax_state.get_title() != title:
                self.ax_state.set_title(title, fontsize=10)
                self._background = None
        legend_names = (self._surface.name, *(n for n in self._paths if n in shown))
        if getattr(self, "_legend_names", None) != legend_names:
            for n in legend_names[1:]:
                if n != self.name:
                    self._paths[n].line.set_label(self.ghost_label(n))
            handles = [self._paths[n].line for n in legend_names[1:]]
            for h in handles:
                h.set_animated(False)  # so that the legend can show them
            self.ax_surface.legend(handles=handles, loc="upper right", fontsize=8)
            for h in handles:
                h.set_animated(True)
            self._legend_names = legend_names
            self._background = None
        self._check_limits(shown)

    _limits_context = None

    def _check_limits(self, shown):
        """Axis limits that change as little as possible, so that the background rarely has to
        be drawn again. On the log axes, whole decades that only grow while a slider moves;
        when the start or the compared optimizers change, they are kept if they are at most
        ``LIMIT_SLACK`` decades wider than the new runs need, and fitted afresh otherwise. On
        the step axes, a round number of steps, kept while the run fills more than a quarter
        of it. A new surface and a reset start afresh: each surface's first picture again."""
        steps = self.result.steps
        gaps = np.concatenate([P.loss_values(r) for r in shown.values()])
        with np.errstate(invalid="ignore"):
            starts = np.array([P.loss_values(r)[0] for r in shown.values()])
        starts = starts[np.isfinite(starts) & (starts > 0)]
        start_gap = starts.max() if starts.size else 1.0
        low, _ = P.decade_limits(gaps, floor=1e-12)
        high = 10.0 ** min(math.ceil(math.log10(max(start_gap * 1e3, low * 10))), P.MAX_DECADE)
        limits = [(0, steps), (low, high)]
        if self.ax_state is not None:
            values = np.concatenate([line.get_ydata() for line in self._state_lines])
            limits.append(P.decade_limits(values, floor=1e-12, pad=0.0))
        context = (self._surface.name, self._surface.title, tuple(self.result.path[0]))
        context += tuple(shown)
        if self._limits is not None and context[:2] == (self._limits_context or ())[:2]:
            width = self._limits[0][1]
            if not width / 4 < steps <= width:
                width = _round_up(steps)
            slack = math.inf if context == self._limits_context else LIMIT_SLACK
            limits = [(0, width)] + [
                _steady(a, b, slack) for a, b in zip(self._limits[1:], limits[1:])
            ]
        self._limits_context = context
        if limits != self._limits:
            self.ax_loss.set_xlim(*limits[0])
            self.ax_loss.set_ylim(*limits[1])
            if self.ax_state is not None:
                self.ax_state.set_xlim(*limits[0])
                self.ax_state.set_ylim(*limits[2])
            self._limits = limits
            self._background = None

    def _animated(self):
        for artists in self._paths.values():
            yield from (artists.line, artists.start, artists.end, artists.cross, artists.note)
        yield from self._loss_lines.values()
        yield from self._state_lines

    def _static_key(self):
        axes = [ax for ax in (self.ax_surface, self.ax_loss, self.ax_state) if ax is not None]
        legend = self.ax_surface.get_legend()
        return (
            self._surface.name,
            self._surface.title,
            tuple((ax.get_xlim(), ax.get_ylim(), ax.get_title()) for ax in axes),
            tuple(t.get_text() for t in legend.get_texts()) if legend is not None else (),
        )

    def reset(self) -> None:
        """Every control back to its first value, and the first picture (one redraw)."""
        self._muted = True
        try:
            for key, value in self.initial.items():
                self.controls[key].value = value
        finally:
            self._muted = False
        self._limits = None  # the limits start afresh, as they did for the first picture
        self.update()

    # --- readouts -----------------------------------------------------------------------------
    def summary(self) -> str:
        """One line per run: final loss, distance to the nearest minimum, steps, divergence."""
        lines = [f"{O.DISPLAY_NAMES.get(self.name, self.name)} explorer on {self._surface.title}"]
        if self.result is None:
            return "\n".join([*lines, f"  nothing to show: {self.error}"])
        if self.stability_note():
            lines.append("  " + self.stability_note())
        for name, result in {self.name: self.result, **self.ghosts}.items():
            lines.append(
                f"  {O.DISPLAY_NAMES.get(name, name):>16}: {describe(result, self.tolerance)}"
            )
        return "\n".join(lines)

    def _readout_html(self) -> str:
        rows = []
        for name, result in {self.name: self.result, **self.ghosts}.items():
            c = P.color(name)
            facts = describe(result, self.tolerance, parts=True)
            cells = "".join(f"<td style='padding:0 12px'>{html.escape(v)}</td>" for v in facts)
            rows.append(
                f"<tr><td style='color:{c};font-weight:bold;padding-right:12px'>"
                f"{html.escape(O.DISPLAY_NAMES.get(name, name))}</td>{cells}</tr>"
            )
        head = "".join(
            f"<th style='padding:0 12px;text-align:left'>{h}</th>"
            for h in (
                "",
                "final J − J*",
                "distance to nearest minimum",
                f"steps to J − J* < {self.tolerance:g}",
                "diverged",
            )
        )
        table = f"<table style='font-size:90%'><tr>{head}</tr>{''.join(rows)}</table>"
        limit = self.stability_note()
        return (
            f"<div style='font-size:90%;margin-bottom:4px'>{html.escape(limit)}</div>"
            if limit
            else ""
        ) + table

    def stability_note(self) -> str:
        """For gradient descent and momentum: the largest stable η near the minimum."""
        if self.result is None:
            return ""
        limit = O.stable_learning_rate(self.result.optimizer, self._surface.max_curvature)
        if limit is None:
            return ""
        formula = {
            "gd": "2/λmax",
            "momentum": "2(1 + β)/λmax",
            "nesterov": "2(1 + β)/((1 + 2β)λmax)",
            "nesterov_lookahead": "2(1 + β)/((1 + 2β)λmax)",
        }[self.result.optimizer.kind]
        eta = float(self.result.optimizer.learning_rate)
        side = "below" if eta < limit else "ABOVE"
        return (
            f"Stability limit near the minimum (largest curvature λmax = "
            f"{self._surface.max_curvature:.4g}): η < {formula} = {limit:.4g}; "
            f"η = {eta:.4g} is {side} it."
        )


def describe(result: Trajectory, tolerance: float, parts: bool = False):
    """The readouts of one run, as text."""
    if result.diverged:
        facts = ("—", "—", "—", f"at step {result.diverged_at}")
    else:
        gap = result.final_loss - result.surface.min_value
        with np.errstate(over="ignore"):  # a bounded surface lets a point fly far, undiverged
            distance = float(result.surface.distance_to_minimum(result.final_point))
        k = result.steps_to(tolerance)
        facts = (  # a converged run prints "< 1e-12", not rounding digits that vary by CPU
            show(max(gap, 0), ".3g"),
            show(distance, ".3g"),
            "not reached" if k is None else str(k),
            "no",
        )
    if parts:
        return facts
    return (
        f"final J − J* {facts[0]}, distance to minimum {facts[1]}, "
        f"steps to tolerance {facts[2]}, diverged {facts[3]}"
    )


def explorer(
    optimizer="adam", surface="rosenbrock", compare=(), **initial_hyperparameters
) -> Explorer:
    """The live explorer for ``optimizer`` (a course name such as "momentum") on ``surface``.

    compare: other optimizers drawn as ghost paths from the same start, sharing η (and the
    hyperparameters they also have). Other keywords: the optimizer's hyperparameters
    (``learning_rate=0.01``, ``beta_2=0.99``), ``steps`` (default 200), ``start``, ``tolerance``
    and ``show_state`` (the panel of the optimizer's internal state, default True).
    """
    return Explorer(optimizer, surface=surface, compare=compare, **initial_hyperparameters)


# --------------------------------------------------------------------------------------------
# Learning rate schedules, live


SCHEDULE_CONTROLS = {
    # the controls each schedule uses (besides steps, surface, optimizer)
    "constant": ("learning_rate",),
    "power": ("learning_rate", "decay_steps", "power"),
    "exponential": ("learning_rate", "decay_steps", "rate"),
    "piecewise": ("learning_rate", "boundaries"),
    "1cycle": ("learning_rate", "max_rate"),
}


class ScheduleExplorer(LiveFigure, W.VBox):
    """Move a schedule's parameters and watch η(t), a 2D path and its loss change at once.

    The scheduled run (solid) is drawn against a run with the constant η0 (faded), from the
    same start, with the same optimizer and the same gradient noise. ``.controls``: "schedule",
    "learning_rate" (η0), "decay_steps" (s), "power" (c), "rate" (the exponential's decay rate),
    "boundaries" (steps, comma-separated; piecewise values are η0, η0/10, η0/100, …),
    "max_rate" (1cycle's peak η1), "noise" (σ of Gaussian noise added to each gradient, as
    mini-batches do: it is what schedules are for), "steps", "surface", "optimizer".
    """

    def __init__(
        self,
        schedule="exponential",
        optimizer="gd",
        surface="bowl",
        steps=400,
        learning_rate=None,
        decay_steps=100.0,
        power=1.0,
        rate=0.1,
        boundaries="100, 250",
        max_rate=None,
        noise=3.0,
        tolerance=1e-6,
    ):
        surface_name = surface if isinstance(surface, str) else surface.name
        eta0 = learning_rate
        if eta0 is None:  # on the default bowl, a rate near GD's best: noise then sets the floor
            eta0 = (
                0.15 if surface_name == "bowl" else suggested_learning_rate(optimizer, surface_name)
            )
        self.tolerance = tolerance
        self._surface = S.get(surface)
        self.initial = {
            "schedule": schedule,
            "learning_rate": float(eta0),
            "decay_steps": float(decay_steps),
            "power": float(power),
            "rate": float(rate),
            "boundaries": str(boundaries),
            "max_rate": float(max_rate if max_rate is not None else 5 * eta0),
            "noise": float(noise),
            "steps": int(steps),
            "surface": self._surface.name,
            "optimizer": optimizer,
        }
        c = self.controls = {
            "schedule": W.Dropdown(
                options=list(SCHEDULE_CONTROLS), value=schedule, description="schedule"
            ),
            "learning_rate": ParameterControl("learning_rate", "η0", eta0, "log", -5.0, 1.0, 0.05),
            "decay_steps": ParameterControl("decay_steps", "s", decay_steps, "log", 0.0, 4.0, 0.05),
            "power": ParameterControl("power", "c", power, "linear", 0.1, 3.0, 0.05),
            "rate": ParameterControl("rate", "rate", rate, "linear", 0.01, 0.99, 0.01),
            "boundaries": W.Text(
                value=str(boundaries), description="boundaries", continuous_update=False
            ),
            "max_rate": ParameterControl(
                "max_rate", "η1", self.initial["max_rate"], "log", -5.0, 1.0, 0.05
            ),
            "noise": ParameterControl("noise", "σ", noise, "linear", 0.0, 5.0, 0.05),
            "steps": IntControl("steps", "steps", steps, 1, 2000),
            "surface": W.Dropdown(
                options=S.names(), value=self._surface.name, description="surface"
            ),
            "optimizer": W.Dropdown(
                options=list(O.NAMES), value=optimizer, description="optimizer"
            ),
        }
        self._make_figure((11, 3.6))
        grid = self.figure.add_gridspec(
            1, 3, width_ratios=[1, 1.1, 1], wspace=0.3, left=0.06, right=0.98, top=0.88, bottom=0.15
        )
        self.ax_rate = self.figure.add_subplot(grid[0])
        self.ax_surface = self.figure.add_subplot(grid[1])
        self.ax_loss = self.figure.add_subplot(grid[2])
        self.ax_rate.set(yscale="log", xlabel="step t", title="learning rate η(t)")
        self.ax_loss.set(yscale="log", xlabel="step", title="loss $J(θ) - J^*$")
        for ax in (self.ax_rate, self.ax_loss):
            ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        (self._rate_line,) = self.ax_rate.plot([], [], lw=2, animated=True, label="scheduled")
        (self._flat_line,) = self.ax_rate.plot(
            [], [], lw=1.5, alpha=0.5, animated=True, label="constant η0"
        )
        self._contours = []
        self._draw_surface()
        self._runs = {}
        self.message = W.HTML(layout=W.Layout(min_height="1.5em"))
        self.readout = W.HTML()
        rows = [
            W.HBox([c["schedule"], c["optimizer"], c["surface"]]),
            W.HBox(
                [
                    W.VBox([c["learning_rate"], c["decay_steps"], c["power"]]),
                    W.VBox([c["rate"], c["max_rate"], c["boundaries"], c["noise"], c["steps"]]),
                ]
            ),
        ]
        super().__init__([*rows, self.message, self.view, self.readout])
        for control in c.values():
            control.observe(self._changed, "value")
        self.update()

    def _draw_surface(self):
        for artist in self._contours:
            artist.remove()
        for artists in getattr(self, "_paths", {}).values():
            artists.remove()
        for line in getattr(self, "_loss_lines", {}).values():
            line.remove()
        before = set(self.ax_surface.get_children())
        P.draw_surface(self._surface, self.ax_surface)
        self._contours = [a for a in self.ax_surface.get_children() if a not in before]
        self._paths, self._loss_lines = {}, {}
        for key, ghost in (("constant", True), ("scheduled", False)):
            artists = P.draw_path(
                self.ax_surface, None, ghost=ghost, window=self._surface.window, label=f"{key} η"
            )
            for artist in (artists.line, artists.start, artists.end, artists.cross, artists.note):
                artist.set_animated(True)
            self._paths[key] = artists
            (line,) = self.ax_loss.plot(
                [], [], lw=1.5 if ghost else 2, alpha=0.5 if ghost else 1, animated=True
            )
            self._loss_lines[key] = line
        self._background = None

    def _changed(self, change):
        if change["owner"] is self.controls["surface"]:
            self._surface = S.get(change["new"])
            self._draw_surface()
        if change["owner"] is self.controls["schedule"]:
            self._show_relevant_controls()
        self.update()

    def _show_relevant_controls(self):
        used = SCHEDULE_CONTROLS[self.controls["schedule"].value]
        for key in ("decay_steps", "power", "rate", "boundaries", "max_rate"):
            self.controls[key].layout.display = None if key in used else "none"

    def parameters(self) -> dict:
        """The current schedule's parameters, validated (a ValueError says what is wrong)."""
        c = {k: w.value for k, w in self.controls.items()}
        kind, eta0 = c["schedule"], c["learning_rate"]
        if not (math.isfinite(eta0) and eta0 > 0):
            raise ValueError(f"η0 must be > 0; got {eta0:g}")
        if not (math.isfinite(c["noise"]) and c["noise"] >= 0):
            raise ValueError(f"the gradient noise σ must be ≥ 0; got {c['noise']:g}")
        if c["steps"] <= 0:
            raise ValueError(f"steps must be a whole number ≥ 1; got {c['steps']}")
        if kind in ("power", "exponential") and not c["decay_steps"] > 0:
            raise ValueError(f"s must be > 0; got {c['decay_steps']:g}")
        if kind == "power":
            if not c["power"] > 0:
                raise ValueError(f"c must be > 0; got {c['power']:g}")
            return {"initial_learning_rate": eta0, "steps": c["decay_steps"], "power": c["power"]}
        if kind == "exponential":
            if not 0 < c["rate"] < 1:
                raise ValueError(f"the decay rate must be between 0 and 1; got {c['rate']:g}")
            return {"initial_learning_rate": eta0, "steps": c["decay_steps"], "rate": c["rate"]}
        if kind == "piecewise":
            try:
                bounds = [int(b) for b in c["boundaries"].replace(";", ",").split(",") if b.strip()]
            except ValueError:
                raise ValueError(
                    "boundaries must be whole numbers of steps, like 100, 250; "
                    f"got {c['boundaries']!r}"
                ) from None
            if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
                raise ValueError(
                    f"boundaries must be increasing positive steps; got {c['boundaries']!r}"
                )
            return {"boundaries": bounds, "values": [eta0 / 10**i for i in range(len(bounds) + 1)]}
        if kind == "1cycle":
            if not c["max_rate"] > 0:
                raise ValueError(f"η1 must be > 0; got {c['max_rate']:g}")
            return {"total_steps": c["steps"], "max_rate": c["max_rate"], "start_rate": eta0}
        return {"initial_learning_rate": eta0}

    def update(self) -> None:
        """Rerun both paths and redraw; bad values give a message and keep the last plot."""
        try:
            parameters = self.parameters()
        except ValueError as error:
            self.message.value = self._message(error)
            return
        self.message.value = ""
        c = {k: w.value for k, w in self.controls.items()}
        steps = int(c["steps"])
        t = np.arange(steps)
        self.rates = _evaluate_schedule(c["schedule"], t, parameters)
        optimizer = O.get(c["optimizer"], learning_rate=c["learning_rate"])
        noisy = {"noise": c["noise"], "seed": 0}
        self._runs = {
            "constant": run(optimizer, self._surface, steps=steps, record_state=False, **noisy),
            "scheduled": run(
                optimizer,
                self._surface,
                steps=steps,
                record_state=False,
                schedule=self.rates.__getitem__,
                **noisy,
            ),
        }
        colour = P.color(c["optimizer"])
        for key, result in self._runs.items():
            self._paths[key].update(result)
            for artist in (self._paths[key].line, self._paths[key].start):
                artist.set_color(colour)
            y = P.loss_values(result)
            self._loss_lines[key].set_data(np.arange(len(y)), y)
            self._loss_lines[key].set_color(colour)
        self._rate_line.set_data(t, self.rates)
        self._flat_line.set_data(t, np.full(steps, c["learning_rate"]))
        gaps = np.concatenate([P.loss_values(r) for r in self._runs.values()])
        start_gap = P.loss_values(self._runs["constant"])[0]
        self._set_limits(
            [
                (
                    self.ax_rate,
                    (0, steps),
                    P.decade_limits(
                        np.append(self.rates, c["learning_rate"]), floor=1e-12, pad=0.0
                    ),
                ),
                (
                    self.ax_loss,
                    (0, steps),
                    (
                        P.decade_limits(gaps, floor=1e-12)[0],
                        10.0 ** math.ceil(math.log10(start_gap * 1e3)),
                    ),
                ),
            ],
            context=(c["schedule"], steps, self._surface.name, c["optimizer"]),
        )
        self._render()
        self.readout.value = "<br>".join(html.escape(line) for line in self.summary().splitlines())

    def _animated(self):
        yield self._flat_line
        yield self._rate_line
        for artists in self._paths.values():
            yield from (artists.line, artists.start, artists.end, artists.cross, artists.note)
        yield from self._loss_lines.values()

    def reset(self) -> None:
        for key, value in self.initial.items():
            self.controls[key].value = value

    def summary(self) -> str:
        c = {k: w.value for k, w in self.controls.items()}
        lines = [
            f"{c['schedule']} schedule, {O.DISPLAY_NAMES.get(c['optimizer'])} "
            f"on {self._surface.title}, {c['steps']} steps"
        ]
        for key, result in self._runs.items():
            lines.append(f"  {key:>9} η: {describe(result, self.tolerance)}")
        return "\n".join(lines)


def _evaluate_schedule(kind, t, parameters):
    from .schedules import evaluate

    return evaluate(kind, t, **parameters)


def schedule_explorer(
    schedule="exponential", optimizer="gd", surface="bowl", **parameters
) -> ScheduleExplorer:
    """The live explorer of learning rate schedules (see ``ScheduleExplorer``)."""
    return ScheduleExplorer(schedule, optimizer=optimizer, surface=surface, **parameters)

"""The live explorer of an optimizer's path on a 2D surface (``explorer``); see the package's
docstring for how it behaves."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import matplotlib as mpl
import numpy as np

from .. import optimizers, plotting, registry, surfaces
from ..portable import show
from ..registry import family
from ..trajectories import Trajectory, run
from . import clicks
from .controls import (
    SLIDERS,
    Checklist,
    IntControl,
    ParameterControl,
    PointControl,
    _controlled,
    suggested_learning_rate,
)
from .formula_box import FormulaBox
from .live_figure import LiveFigure
from .replay import Replay


class BadValue(ValueError):
    """A control's value that cannot be used (the widget shows the message)."""


MAX_STEPS = 10_000  # more would not stay live
MAX_START = 1e6  # farther starts overflow the surfaces' losses and say nothing more


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
        base = (
            optimizers.get(optimizer)
            if not isinstance(optimizer, str)
            else optimizers.get(self.name)
        )
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
        self._surface = surfaces.get(surface)
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
        self.replay = Replay(self)  # the play button and step slider (see replay.py)
        self.message = W.HTML(layout=W.Layout(min_height="1.5em"))
        self.readout = W.HTML()
        self.reset_button = W.Button(
            description="reset", icon="undo", layout=W.Layout(width="90px")
        )
        self.reset_button.on_click(lambda _: self.reset())
        column = [self.controls[k] for k in self.initial if k in SLIDERS]
        side = [
            self.controls["surface"],
            self.formula,
            self.controls["start"],
            self.controls["steps"],
            self.reset_button,
        ]
        super().__init__(
            [
                W.HBox([W.VBox(column), W.VBox(side)], layout=W.Layout(flex_flow="row wrap")),
                self.controls["compare"],
                self.message,
                self.replay.widget,
                self.view,
                self.readout,
            ]
        )
        # Stable names for pages and browser tests to find the parts by.
        self.add_class("faster-optimizers-explorer")
        self.view.add_class("faster-optimizers-figure")
        self.readout.add_class("faster-optimizers-readout")
        self.click_hint = clicks.offer_start_clicks(self)  # under ipympl, a click sets the start
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
        # the surface menu, with a box for your own formula (a bad one: message, nothing else)
        self.formula = FormulaBox(
            self._surface, lambda message: self._failed(BadValue(message)), self.update
        )
        self.controls["surface"] = self.formula.menu
        self.controls["start"] = PointControl(self._surface.starts, self.initial["start"])
        others = [n for n in optimizers.NAMES if n != self.name]
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
        self._paths: dict[str, plotting.PathArtists] = {}
        self._loss_lines: dict[str, mpl.lines.Line2D] = {}
        self._state_lines: list[mpl.lines.Line2D] = []
        self._limits = None
        self._background = None
        self._draw_surface()
        self._add_run_artists(self.name, ghost=False)
        if self.ax_state is not None:
            c = plotting.color(self.name)
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
            plotting.draw_surface(self._surface, ax)
            self._contours = [a for a in ax.get_children() if a not in before]
            self._surface_artists[key] = self._contours
        for artists in self._paths.values():
            artists.window = self._surface.window

    def _add_run_artists(self, name, ghost):
        c = plotting.color(name)
        label = self.ghost_label(name) if ghost else registry.display_name(name)
        artists = plotting.draw_path(
            self.ax_surface, None, color=c, label=label, ghost=ghost, window=self._surface.window
        )
        artists.line.set_marker(registry.marker(name))
        for artist in (artists.line, artists.start, artists.end, artists.cross, artists.note):
            artist.set_animated(True)
        self._paths[name] = artists
        (line,) = self.ax_loss.plot(
            [], [], color=c, lw=1.5 if ghost else 2.0, alpha=0.6 if ghost else 1, animated=True
        )
        self._loss_lines[name] = line

    # --- the update --------------------------------------------------------------------------
    def _changed(self, change):
        if change["owner"] is self.controls["surface"]:
            if self.formula.adding:
                return
            try:
                self._set_surface(change["new"])
            except Exception as error:  # noqa: BLE001 - shown in the widget, see _failed
                self._failed(error)
                return
        if not self._muted:
            self.update()

    def _set_surface(self, name):
        self._surface = self.formula.surface(name)
        self._draw_surface()
        self._background = None
        with self._muted_updates():
            self.controls["start"].set_starts(self._surface.starts)

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

    def ghost_optimizer(self, name: str, optimizer: optimizers.Optimizer) -> optimizers.Optimizer:
        """A compared optimizer. Of the same family (gradient descent and momentum methods, or
        adaptive methods) it shares every hyperparameter it also has, η included, so that it
        moves with the sliders; of the other family it keeps Keras's defaults and its own
        learning rate for the surface (one η cannot suit both families)."""
        if family(name) != family(self.name):
            return optimizers.get(
                name, learning_rate=suggested_learning_rate(name, self._surface.name)
            )
        shared = {k: v for k, v in optimizer.hyperparameters.items() if k in registry.sliders(name)}
        return optimizers.get(name, **shared)

    def ghost_label(self, name: str) -> str:
        display = registry.display_name(name)
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

    def _ghost_run(self, ghost: optimizers.Optimizer, start, steps) -> Trajectory:
        """A compared run, kept: a ghost that does not share the moving control (another
        family's, or gradient descent while β moves) is not run again."""
        key = (ghost, self._surface.name, self._surface.title, tuple(start), steps)
        if key not in self._ghost_runs:
            if len(self._ghost_runs) >= 32:
                self._ghost_runs.pop(next(iter(self._ghost_runs)))
            self._ghost_runs[key] = run(ghost, self._surface, start=start, steps=steps)
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
                y = plotting.loss_values(shown[name])
                line.set_data(np.arange(len(y)), y)
                line.set_visible(True)
            else:
                line.set_visible(False)
        if self.ax_state is not None:
            title, series = plotting.state_series(self.result)
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
        self.replay.rerun()

    def _check_limits(self, shown):
        """The loss and state axes' limits (see ``LiveFigure._set_limits``): the view is the
        surface, and what is shown also counts the start and the compared optimizers. A new
        surface and a reset start afresh: each surface's first picture again."""
        steps = self.result.steps
        gaps = np.concatenate([plotting.loss_values(r) for r in shown.values()])
        with np.errstate(invalid="ignore"):
            starts = np.array([plotting.loss_values(r)[0] for r in shown.values()])
        starts = starts[np.isfinite(starts) & (starts > 0)]
        start_gap = starts.max() if starts.size else 1.0
        low, _ = plotting.decade_limits(gaps, floor=1e-12)
        high = 10.0 ** min(
            math.ceil(math.log10(max(start_gap * 1e3, low * 10))), plotting.MAX_DECADE
        )
        needed = [(self.ax_loss, steps, (low, high))]
        if self.ax_state is not None:
            values = np.concatenate([line.get_ydata() for line in self._state_lines])
            needed.append(
                (self.ax_state, steps, plotting.decade_limits(values, floor=1e-12, pad=0.0))
            )
        context = (self._surface.name, self._surface.title, tuple(self.result.path[0]))
        self._set_limits(needed, context + tuple(shown), view_length=2)

    def _animated(self):
        for artists in self._paths.values():
            yield from (artists.line, artists.start, artists.end, artists.cross, artists.note)
        yield from self._loss_lines.values()
        yield from self._state_lines
        yield from self.replay.artists()

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
        with self._muted_updates():
            for key, value in self.initial.items():
                self.controls[key].value = value
            self.replay.to_end()
        self._limits = None  # the limits start afresh, as they did for the first picture
        self.update()

    def link_map(self, ax, data) -> clicks.MapLink:
        """Link a stability map drawn on ``ax`` (its ``StabilityMap`` is ``data``) to this
        explorer: see ``plotting.stability_map(..., explorer=)`` and ``clicks.MapLink``."""
        return clicks.MapLink(self, ax, data)

    # --- readouts -----------------------------------------------------------------------------
    def summary(self) -> str:
        """One line per run: final loss, distance to the nearest minimum, steps, divergence."""
        lines = [f"{registry.display_name(self.name)} explorer on {self._surface.title}"]
        if self.result is None:
            return "\n".join([*lines, f"  nothing to show: {self.error}"])
        if self.stability_note():
            lines.append("  " + self.stability_note())
        for name, result in {self.name: self.result, **self.ghosts}.items():
            lines.append(f"  {registry.display_name(name):>16}: {describe(result, self.tolerance)}")
        return "\n".join(lines)

    def _readout_html(self) -> str:
        rows = []
        for name, result in {self.name: self.result, **self.ghosts}.items():
            c = plotting.color(name)
            facts = describe(result, self.tolerance, parts=True)
            cells = "".join(f"<td style='padding:0 12px'>{html.escape(v)}</td>" for v in facts)
            rows.append(
                f"<tr><td style='color:{c};font-weight:bold;padding-right:12px'>"
                f"{html.escape(registry.display_name(name))}</td>{cells}</tr>"
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
        limit = optimizers.stable_learning_rate(self.result.optimizer, self._surface.max_curvature)
        if limit is None:
            return ""
        formula = registry.OPTIMIZERS[self.result.optimizer.kind].stability.formula
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

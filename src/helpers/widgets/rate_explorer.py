"""The live explorer of learning rate schedules (``schedule_explorer``): η(t), a 2D path and its
loss, for a scheduled and a constant rate, moving together."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import matplotlib as mpl
import numpy as np

from .. import optimizers, plotting, registry, surfaces
from ..trajectories import run
from .controls import IntControl, ParameterControl, suggested_learning_rate
from .live_figure import LiveFigure
from .path_explorer import describe

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
        self._surface = self._given = surfaces.get(surface)  # the course's, or your own
        own = [] if self._given.name in surfaces.names() else [self._given.name]
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
                options=surfaces.names() + own, value=self._surface.name, description="surface"
            ),
            "optimizer": W.Dropdown(
                options=list(optimizers.NAMES), value=optimizer, description="optimizer"
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
        self._show_relevant_controls()
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
        plotting.draw_surface(self._surface, self.ax_surface)
        self._contours = [a for a in self.ax_surface.get_children() if a not in before]
        self._paths, self._loss_lines = {}, {}
        for key, ghost in (("constant", True), ("scheduled", False)):
            artists = plotting.draw_path(
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
            name = change["new"]
            self._surface = self._given if name == self._given.name else surfaces.get(name)
            self._draw_surface()
        if change["owner"] is self.controls["schedule"]:
            self._show_relevant_controls()
        if not self._muted:
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
        """Rerun both paths and redraw. Never raises: a bad value gives its message, anything
        else that goes wrong says what it was, and the last good plot stays."""
        try:
            self._update(self.parameters())
        except ValueError as error:
            self.message.value = self._message(error)
        except Exception as error:  # noqa: BLE001 - shown in the widget, as Explorer does
            self.message.value = self._message(
                RuntimeError(f"these values could not be drawn ({type(error).__name__}: {error})")
            )
        else:
            self.message.value = ""

    def _update(self, parameters: dict) -> None:
        c = {k: w.value for k, w in self.controls.items()}
        steps = int(c["steps"])
        t = np.arange(steps)
        self.rates = _evaluate_schedule(c["schedule"], t, parameters)
        optimizer = optimizers.get(c["optimizer"], learning_rate=c["learning_rate"])
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
        colour = plotting.color(c["optimizer"])
        for key, result in self._runs.items():
            self._paths[key].update(result)
            for artist in (self._paths[key].line, self._paths[key].start):
                artist.set_color(colour)
            y = plotting.loss_values(result)
            self._loss_lines[key].set_data(np.arange(len(y)), y)
            self._loss_lines[key].set_color(colour)
        self._rate_line.set_data(t, self.rates)
        self._flat_line.set_data(t, np.full(steps, c["learning_rate"]))
        gaps = np.concatenate([plotting.loss_values(r) for r in self._runs.values()])
        start_gap = plotting.loss_values(self._runs["constant"])[0]
        rates = np.append(self.rates, c["learning_rate"])
        loss = (
            plotting.decade_limits(gaps, floor=1e-12)[0],
            10.0 ** math.ceil(math.log10(start_gap * 1e3)),
        )
        self._set_limits(
            [
                (self.ax_rate, steps, plotting.decade_limits(rates, floor=1e-12, pad=0.0)),
                (self.ax_loss, steps, loss),
            ],
            context=(self._surface.name, c["schedule"], c["optimizer"]),
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
        """Every control back to its first value, and one redraw."""
        with self._muted_updates():
            for key, value in self.initial.items():
                self.controls[key].value = value
        self.update()

    def summary(self) -> str:
        c = {k: w.value for k, w in self.controls.items()}
        lines = [
            f"{c['schedule']} schedule, {registry.display_name(c['optimizer'])} "
            f"on {self._surface.title}, {c['steps']} steps"
        ]
        for key, result in self._runs.items():
            lines.append(f"  {key:>9} η: {describe(result, self.tolerance)}")
        return "\n".join(lines)


def _evaluate_schedule(kind, t, parameters):
    from ..schedules import evaluate

    return evaluate(kind, t, **parameters)


def schedule_explorer(
    schedule="exponential", optimizer="gd", surface="bowl", **parameters
) -> ScheduleExplorer:
    """The live explorer of learning rate schedules (see ``ScheduleExplorer``)."""
    return ScheduleExplorer(schedule, optimizer=optimizer, surface=surface, **parameters)

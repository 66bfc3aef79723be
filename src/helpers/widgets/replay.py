"""The explorer's replay: a play button and a step slider that walk its runs from step 0 to the
end, drawing at the current point the forces of that step (``helpers.plotting.forces``).

The runs are computed once per change of the controls; a replay frame only indexes into them
(``forces`` is computed once per run) and moves the artists in place, as slider moves do. The
compared optimizers replay in lockstep, at the same step; a run that ended (diverged) shows its
last point. Moving the slider to its end shows the whole runs, as without a replay; after a
rerun the slider stays at the end if it was there, else at its step (within the new run)."""

from __future__ import annotations

import math

import ipywidgets as W

from .. import plotting
from ..plotting.forces import ForceArrows, Forces, StateBars, force_legend, forces

FRAMES = 200  # a replay walks through at most about this many frames
INTERVAL = 40  # ms between two frames of the play button


class Replay:
    """The replay controls and artists of an ``Explorer`` (its ``replay``)."""

    def __init__(self, explorer):
        self.explorer = e = explorer
        steps = max(1, int(e.initial["steps"]))
        self.play = W.Play(
            value=steps, min=0, max=steps, step=1, interval=INTERVAL, description="replay"
        )
        self.play.tooltip = "replay the runs step by step"
        self.slider = W.IntSlider(
            value=steps,
            min=0,
            max=steps,
            description="step",
            continuous_update=True,
            layout=W.Layout(width="420px"),
        )
        # Kernel-side links: they work wherever the kernel does (Colab, Voila, JupyterLab),
        # and the frame is drawn in the kernel anyway.
        W.link((self.play, "value"), (self.slider, "value"))
        W.link((self.play, "max"), (self.slider, "max"))
        self.widget = W.HBox([self.play, self.slider], layout=W.Layout(align_items="center"))
        self.widget.add_class("faster-optimizers-replay")  # names for pages and browser tests
        self.play.add_class("faster-optimizers-replay-play")
        self.slider.add_class("faster-optimizers-replay-step")
        self.slider.observe(self._moved, "value")
        self._quiet = False
        self._forces: dict[str, Forces] = {}
        self._cache: dict[int, tuple] = {}  # id(run) -> (run, its Forces): ghosts rerun rarely
        self.arrows: dict[str, ForceArrows] = {}
        self._legend = None
        self._legend_kinds = None
        self.cursors = [
            ax.axvline(0, color="0.3", lw=0.8, ls=":", animated=True, visible=False)
            for ax in (e.ax_loss, e.ax_state)
            if ax is not None
        ]
        self.bars = None
        if e.ax_state is not None:
            self.bars = StateBars(e.ax_state, plotting.color(e.name), align=(e.ax_loss,))
        self.frames = 0  # replay frames drawn (a frame reruns nothing)

    @property
    def step(self) -> int:
        return self.slider.value

    def artists(self):
        for arrows in self.arrows.values():
            yield from arrows
        yield from self.cursors
        if self.bars is not None:
            yield from self.bars

    # --- a rerun: the slider's range follows the runs ---------------------------------------
    def rerun(self) -> None:
        """After the explorer's runs changed: their forces, the slider's range and the frame."""
        e = self.explorer
        if e.result is None:
            self._hide()
            return
        shown = {e.name: e.result, **e.ghosts}
        window = e._surface.window
        self._forces = {name: self._forces_of(run, window) for name, run in shown.items()}
        self._cache = {id(r): (r, self._forces[n]) for n, r in shown.items()}
        for name in shown:
            if name not in self.arrows:
                self.arrows[name] = ForceArrows(e.ax_surface, plotting.color(name))
        kinds = tuple(
            k
            for k in ("momentum", "moment")
            if any(f.memory_kind == k for f in self._forces.values())
        )
        if kinds != self._legend_kinds:
            if self._legend is not None:
                self._legend.remove()
            self._legend = force_legend(e.ax_surface, plotting.color(e.name), kinds)
            self._legend_kinds = kinds
            e._background = None
        steps = e.result.steps
        at_end = self.slider.value >= self.slider.max
        self._quiet = True
        try:
            self.play.step = max(1, math.ceil(steps / FRAMES))
            value = steps if at_end else min(self.slider.value, steps)
            if steps >= self.slider.max:
                self.slider.max = steps
                self.slider.value = value
            else:
                self.slider.value = value
                self.slider.max = steps
        finally:
            self._quiet = False
        self.show(self.slider.value)

    def to_end(self) -> None:
        """The slider to its end (the whole runs), drawn at the next rerun."""
        self._quiet = True
        try:
            self.slider.value = self.slider.max
        finally:
            self._quiet = False

    def _forces_of(self, run, window) -> Forces:
        kept = self._cache.get(id(run))
        if kept is not None and kept[0] is run:
            return kept[1]
        return forces(run, window)

    def _hide(self):
        for arrows in self.arrows.values():
            arrows.hide()
        for artist in self.cursors:
            artist.set_visible(False)
        if self.bars is not None:
            self.bars.hide()

    # --- a frame ----------------------------------------------------------------------------
    def _moved(self, change):
        if self._quiet or self.explorer.result is None:
            return
        try:
            self.show(change["new"])
            self.explorer._render()
            self.frames += 1
        except Exception as error:  # noqa: BLE001 - shown in the widget, never raised
            self.explorer.message.value = self.explorer._message(
                f"this step could not be drawn ({type(error).__name__}: {error})"
            )

    def show(self, t: int) -> None:
        """Move the artists to step ``t`` of every run (nothing is computed but indexing)."""
        e = self.explorer
        window = e._surface.window
        for name, artists in e._paths.items():
            f = self._forces.get(name)
            if f is None:
                if name in self.arrows:
                    self.arrows[name].hide()
                continue
            k = min(t, f.last)
            if t >= f.last:  # the whole run, with its end or divergence mark
                artists.update(e.result if name == e.name else e.ghosts[name])
            else:
                shown = f.shown[: t + 1]
                artists.line.set_data(shown[:, 0], shown[:, 1])
                artists.end.set_data(f.point[k : k + 1, 0], f.point[k : k + 1, 1])
                artists.end.set_visible(True)
                artists.cross.set_visible(False)
                artists.note.set_visible(False)
            vectors = {"gradient": f.gradient[k], "step": f.step[k]}
            if f.memory is not None:
                vectors["memory"] = f.memory[k]
            self.arrows[name].update(f.point[k], vectors, window)
        for cursor in self.cursors:
            cursor.set_xdata([t, t])
            cursor.set_visible(True)
        if self.bars is not None:
            main = self._forces[e.name]
            self.bars.update(main.state[min(t, main.last)])

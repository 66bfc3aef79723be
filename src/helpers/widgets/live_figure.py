"""``LiveFigure``: a figure drawn once, then updated by moving its artists and blitting them
over a cached background (with Jupyter's inline backend, as PNG frames in an ``ipywidgets.Image``;
with ipympl, on the figure's own canvas)."""

from __future__ import annotations

import contextlib
import html
import io
import itertools
import math

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

_FIGURE_NUMBERS = itertools.count(1)  # ipympl's figure labels: Figure 1, Figure 2, …
LIMIT_SLACK = 3  # decades a log axis may show beyond what new runs need, to stay still


def _steady(current: tuple, needed: tuple, slack: float) -> tuple:
    """Log-axis limits: ``current`` grown to hold ``needed``, or ``needed`` itself when that
    would leave more than ``slack`` decades unused."""
    low, high = min(current[0], needed[0]), max(current[1], needed[1])
    unused = math.log10(high) - math.log10(low) - (math.log10(needed[1]) - math.log10(needed[0]))
    return (low, high) if unused <= slack + 1e-9 else needed


def _steps_axis(current: tuple, steps: int) -> tuple:
    """A step axis (0, width): ``current`` while the run fills more than a quarter of it, else
    a round width that holds it."""
    width = current[1]
    return current if width / 4 < steps <= width else (0, _round_up(steps))


def _round_up(steps: int) -> int:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10ᵏ that is ≥ steps (an axis length)."""
    scale = 10 ** max(0, math.floor(math.log10(max(steps, 1))))
    return next(int(m * scale) for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10) if m * scale >= steps)


class LiveFigure:
    """A figure drawn once, then updated by moving its artists and blitting them over a cached
    background: the machinery the explorers share. Subclasses list their moving artists in
    ``_animated`` and set ``self._background = None`` when something static changes; those
    that describe their static state in ``_static_key`` get a background per state, kept, so
    that coming back to one (a surface seen before, a reset) needs no full draw."""

    _kept_backgrounds = 6  # at most this many backgrounds (a few MB each) per figure
    _muted = False  # True while several controls change at once: no update for each

    @contextlib.contextmanager
    def _muted_updates(self):
        """Set several controls with no update for each (the caller updates once after)."""
        muted, self._muted = self._muted, True
        try:
            yield
        finally:
            self._muted = muted

    def _make_figure(self, figsize=(11, 4.6), dpi=90):
        self._ipympl = "ipympl" in mpl.get_backend() or "widget" in mpl.get_backend()
        if self._ipympl:
            # ipympl's canvas and manager, made directly: ``plt.figure`` would register the
            # figure with pyplot, and every re-run of the cell would leave one more behind.
            from ipympl.backend_nbagg import Canvas, FigureManager

            self.figure = Figure(figsize=figsize)
            canvas = Canvas(self.figure)
            # No picture in the widget's state before a frontend shows it (as for pyplot's
            # figures, drawn after they are shown): ipympl 0.10 would store it as a data URL
            # without its "data:" prefix, a broken image on which JupyterLab's canvas then
            # fails to size itself, and stays blank. The frontend asks for the frame instead.
            canvas.syncing_data_url = False
            FigureManager(canvas, next(_FIGURE_NUMBERS))
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

    _limits = None  # [((0, steps), (low, high)) for each axes], as last set
    _limits_context = None

    def _set_limits(self, needed: list, context: tuple, view_length: int = 1) -> None:
        """Set [(axes, steps, (low, high)), …]: x from step 0, y on a log scale, each changing
        as little as possible so that the background rarely has to be drawn again (a change
        means a full redraw).

        While ``context`` (what is shown) stays the same, y ranges only grow; while only its
        first ``view_length`` items (the view: say, the surface) stay, they are kept if at
        most ``LIMIT_SLACK`` decades wider than needed and fitted afresh otherwise. The x range
        is a round number of steps, kept while the run fills more than a quarter of it. A new
        view (or ``_limits = None``) starts afresh, at (0, steps)."""
        new = [((0, steps), y) for _, steps, y in needed]
        previous = self._limits_context or ()
        if self._limits is not None and context[:view_length] == previous[:view_length]:
            slack = math.inf if context == previous else LIMIT_SLACK
            new = [
                (_steps_axis(old_x, steps), _steady(old_y, y, slack))
                for (old_x, old_y), (_, steps, y) in zip(self._limits, needed)
            ]
        self._limits_context = context
        if new != self._limits:
            for (ax, _, _), (x, y) in zip(needed, new):
                ax.set_xlim(*x)
                ax.set_ylim(*y)
            self._limits = new
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

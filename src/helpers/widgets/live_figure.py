"""``LiveFigure``: a figure drawn once, then updated by moving its artists and blitting them
over a cached background (with Jupyter's inline backend, as PNG frames in an ``ipywidgets.Image``;
with ipympl, on the figure's own canvas)."""

from __future__ import annotations

import contextlib
import html
import io
import itertools

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

_FIGURE_NUMBERS = itertools.count(1)  # ipympl's figure labels: Figure 1, Figure 2, …


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
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        bundle["image/png"] = self.to_png()  # what readers without a live kernel see
        return bundle

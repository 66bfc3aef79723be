"""Your own surface in the explorer: a text box for a formula in x and y, and the surface menu
that lists it once used (``FormulaBox``). A bad formula's one-line message goes to the
explorer's message area, and the surface shown stays as it was."""

from __future__ import annotations

import ipywidgets as W

from .. import surfaces
from ..formula import FormulaError

EXAMPLE = "x**2 + 10*y**2"


class FormulaBox(W.HBox):
    """``J(x, y) = [text] [use]``: Enter (or leaving the box) or the button makes the surface
    of the formula typed (``surfaces.custom``), adds it to ``menu`` (the explorer's surface
    dropdown, made here) and selects it there. A formula used before is selected again, not
    made anew. ``on_error(message)`` receives a bad formula's message; ``on_unchanged()`` is
    called when the formula typed is the surface already selected (to clear a message).

    ``adding`` is True while the menu's options change (ipywidgets then selects the first
    option for a moment): the explorer ignores the menu meanwhile."""

    def __init__(self, surface: surfaces.Surface, on_error, on_unchanged=None):
        self.on_error, self.on_unchanged = on_error, on_unchanged
        self.adding = False
        self.known: dict[str, surfaces.Surface] = {}  # your own surfaces, by name
        self.menu = W.Dropdown(
            options=surfaces.names(), description="surface", layout=W.Layout(width="240px")
        )
        if surface.name not in surfaces.names():
            self._add(surface)
        self.menu.value = surface.name
        self.text = W.Text(
            placeholder=f"your own J(x, y), e.g. {EXAMPLE}",
            continuous_update=False,  # the value changes on Enter or on leaving the box
            layout=W.Layout(width="260px"),
        )
        self.button = W.Button(
            description="use",
            tooltip="draw the surface of this formula (numbers, x, y, + - * / **, sin, exp, …)",
            layout=W.Layout(width="60px"),
        )
        label = W.HTML("<b>J(x, y) =</b>", layout=W.Layout(width="70px"))
        super().__init__([label, self.text, self.button], layout=W.Layout(align_items="center"))
        self.add_class("faster-optimizers-formula")
        self.text.observe(lambda change: self.use(change["new"]), "value")
        self.button.on_click(lambda _: self.use())

    def surface(self, name: str) -> surfaces.Surface:
        """The surface called ``name`` in the menu: yours, or the course's."""
        return self.known.get(name) or surfaces.get(name)

    def use(self, text: str | None = None) -> surfaces.Surface | None:
        """Make the surface of ``text`` (default: the box's text) and select it; or, for a bad
        formula, pass its message to ``on_error`` and change nothing."""
        text = " ".join((self.text.value if text is None else text).split())
        if not text:
            return None
        if text in self.known:
            surface = self.known[text]
        else:
            try:
                surface = surfaces.custom(text)
            except FormulaError as error:
                self.on_error(str(error))
                return None
            except Exception as error:  # noqa: BLE001 - a message in the widget, never a traceback
                self.on_error(f"this formula could not be used ({type(error).__name__}: {error})")
                return None
            self._add(surface)
        if self.menu.value == surface.name and self.on_unchanged is not None:
            self.on_unchanged()
        self.menu.value = surface.name
        return surface

    def _add(self, surface: surfaces.Surface) -> None:
        self.known[surface.name] = surface
        if surface.name in self.menu.options:
            return
        value = self.menu.value
        self.adding = True
        try:
            self.menu.options = (*self.menu.options, surface.name)
            if value is not None:
                self.menu.value = value  # back to where it was, unseen by the explorer
        finally:
            self.adding = False

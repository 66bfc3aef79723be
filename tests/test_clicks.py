"""Point and click (helpers.widgets.clicks): under ipympl a click on the explorer's contours sets
the start and reruns, a click on a linked stability map sets its two hyperparameters; with the
inline backend nothing is connected, nothing fails, and the hint says what clicking needs. A
click is simulated as matplotlib's own: a MouseEvent at a data point's pixel, through the
canvas's callbacks."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from widget_tree import foreign

from helpers import plotting, widgets

RATES = ("learning_rate", np.geomspace(1e-3, 1, 12))
BETAS = ("momentum", np.linspace(0, 0.99, 12))


def click(ax, x, y, button=1):
    """A press of ``button`` at the data point (x, y) of ``ax``, as the canvas would report it."""
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", ax.figure.canvas, px, py, button=button)
    ax.figure.canvas.callbacks.process("button_press_event", event)
    return event


def presses(figure, baseline=None) -> int:
    """The button-press listeners beyond those of ``baseline`` (default: those matplotlib
    connects to every figure, for picking)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def count(f):
        return len(f.canvas.callbacks.callbacks.get("button_press_event", {}))

    return count(figure) - (
        count(FigureCanvasAgg(Figure()).figure) if baseline is None else baseline
    )


def test_inline_explorer_connects_nothing_and_says_clicking_needs_ipympl():
    e = widgets.explorer("momentum", surface="bowl")
    assert not widgets.clickable(e.figure)
    assert presses(e.figure) == 0
    assert e.click_hint in e.children and "%matplotlib widget" in e.click_hint.value
    assert list(e.children).index(e.click_hint) == list(e.children).index(e.view) - 1
    start, path = e.controls["start"].value, e.result.path.copy()
    click(e.ax_surface, 0.5, -0.5)  # nothing listens: nothing changes, nothing fails
    assert e.controls["start"].value == start and e.message.value == ""
    np.testing.assert_array_equal(e.result.path, path)


def test_inline_linked_map_follows_the_sliders_in_place_and_uses_core_widgets():
    e = widgets.explorer("momentum", surface="bowl")
    box = widgets.explorer_with_map(e, x=RATES, y=BETAS)
    m = box.map
    assert presses(m.figure) == 0 and "%matplotlib widget" in m.hint.value
    assert "η and β" in m.hint.value
    assert m.view._model_name == "ImageModel" and foreign(box) == [], foreign(box)
    frame = m.view.value
    e.controls["momentum"].value = 0.5
    e.controls["learning_rate"].value = 0.1
    assert all(line.get_data() == ([0.1], [0.5]) for line in m.link.markers)
    assert m.view.value != frame and m.redraws["full"] == 1, "moved in place, by blitting"
    assert "learning_rate = 0.1, momentum = 0.5" in m.summary()
    # the map is of the explorer's optimizer, surface, start and steps as they were
    assert m.data.surface.name == "bowl" and m.data.steps == e.controls["steps"].value
    values = e.values()
    click(m.ax, 0.01, 0.2)
    assert e.values() == values and foreign(box) == []


def test_a_map_of_hyperparameters_the_explorer_has_not_is_refused_clearly():
    e = widgets.explorer("adam", surface="bowl")
    with pytest.raises(ValueError, match="no slider for momentum"):
        widgets.linked_map(e, x=RATES, y=BETAS)
    with pytest.raises(ValueError, match="no slider for momentum"):
        plotting.stability_map("momentum", "bowl", x=RATES, y=BETAS, explorer=e)


def test_plotting_map_with_explorer_marks_it_and_follows():
    import matplotlib.pyplot as plt

    e = widgets.explorer("momentum", surface="bowl", learning_rate=0.02, momentum=0.8)
    fig, ax = plt.subplots()
    before = presses(fig, 0)
    plotting.stability_map("momentum", "bowl", x=RATES, y=BETAS, explorer=e, ax=ax)
    assert presses(fig, before) == 0
    plt.close(fig)
    ring = [line for line in ax.lines if line.get_label() == "the explorer"]
    assert len(ring) == 1 and ring[0].get_data() == ([0.02], [0.8])
    e.controls["momentum"].value = 0.3
    assert ring[0].get_data() == ([0.02], [0.3])


def test_tidy_rounds_to_a_pixel_and_keeps_one_minus_beta():
    from helpers.widgets.clicks import _tidy, _tidy_parameter

    assert _tidy(0.123456, 4.0) == 0.123 and _tidy(-0.0001, 4.0) == 0.0
    assert _tidy(123.456, 400.0) == 123.5
    e = widgets.explorer("adam", surface="bowl")
    assert _tidy_parameter(e.controls["beta_2"], 0.99931234) == 0.999312
    assert _tidy_parameter(e.controls["learning_rate"], 0.0123456) == 0.0123


IPYMPL = """
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import matplotlib.pyplot as plt
import numpy as np
from ipympl.backend_nbagg import Canvas
from matplotlib.backend_bases import MouseEvent
from helpers import plotting, widgets

def click(ax, x, y, button=1):
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", ax.figure.canvas, px, py, button=button)
    ax.figure.canvas.callbacks.process("button_press_event", event)

e = widgets.explorer("momentum", surface="bowl", learning_rate=0.02)
assert isinstance(e.figure.canvas, Canvas) and widgets.clickable(e.figure)
assert "%matplotlib widget" not in e.click_hint.value and "Click on" in e.click_hint.value
first = e.result
click(e.ax_surface, 0.5, -0.7)
start = e.controls["start"]
assert start.value == (0.5, -0.7), start.value
assert (start.x.value, start.y.value) == (0.5, -0.7), "the start boxes show it"
assert e.result is not first and tuple(e.result.path[0]) == (0.5, -0.7), e.result.path[0]
assert e.message.value == ""
# Not a start: a right click, a click on the loss panel, a click while the zoom tool is on.
click(e.ax_surface, -1.0, 1.0, button=3)
click(e.ax_loss, 10, 1e-3)
e.figure.canvas.toolbar.zoom()
click(e.ax_surface, -1.0, 1.0)
e.figure.canvas.toolbar.zoom()
assert start.value == (0.5, -0.7), start.value
click(e.ax_surface, -1.0, 1.0)
assert tuple(e.result.path[0]) == (-1.0, 1.0)

# A linked map: a click sets η and β, once, and the ring moves there.
box = widgets.explorer_with_map(e, x=("learning_rate", np.geomspace(1e-3, 1, 12)),
                                y=("momentum", np.linspace(0, 0.99, 12)))
m = box.map
assert isinstance(m.view, Canvas) and "Click on the map" in m.hint.value
updates = []
original = e.update
e.update = lambda: (updates.append(1), original())
frames = []
m.figure.canvas.send_binary = frames.append  # what would go to the frontend
m.figure.canvas.manager.web_sockets = [m.figure.canvas]
click(m.ax, 0.1234, 0.5)
assert len(frames) == 1, "one frame of the map for a click"
assert (e.controls["learning_rate"].value, e.controls["momentum"].value) == (0.123, 0.5)
assert len(updates) == 1, updates
opt = e.result.optimizer
assert (opt.learning_rate, opt.momentum) == (0.123, 0.5), opt
assert all(line.get_data() == ([0.123], [0.5]) for line in m.link.markers)
e.controls["momentum"].value = 0.9  # the slider moves the ring
assert all(line.get_data() == ([0.123], [0.9]) for line in m.link.markers)

# plotting.stability_map(..., explorer=) on a pyplot figure: clicks work there too.
fig, ax, _ = plotting.stability_map("momentum", "bowl", x=("learning_rate", [0.01, 0.1]),
                                    y=("momentum", [0.1, 0.9]), explorer=e)
fig.canvas.draw()
click(ax, 0.05, 0.3)
assert (e.result.optimizer.learning_rate, e.result.optimizer.momentum) == (0.05, 0.3)
print("ok")
"""


def test_ipympl_clicks_set_the_start_and_the_mapped_hyperparameters(ipympl_script):
    ipympl_script(IPYMPL)  # in a fresh process, under ipympl

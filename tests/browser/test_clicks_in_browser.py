"""Point and click in a real browser: JupyterLab with ipympl (``%matplotlib widget``), in
headless Chromium. A notebook made for the test shows an explorer with its linked stability map
(``widgets.explorer_with_map``); the kernel prints where two data points fall on each figure
(as fractions of the canvas, which do not change if the frontend scales it). The test clicks on
the contour plot there and checks that the start boxes, which the kernel sets as it reruns the
path from the clicked point, show it; then clicks on the map and checks that the η and β boxes
show the clicked pair. No error output and no traceback may be on the page.

With $FASTER_OPTIMIZERS_SCREENSHOTS set to a folder (``make screenshots``: docs/), a screenshot
of the map and the explorer after the clicks is written there as browser-linked-map.png, only
when the test passes.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from jupyter_servers import executable, lab_command, running
from playwright.sync_api import expect
from test_browser import (
    EXPLORER,
    KERNEL_TIMEOUT,
    UPDATE_TIMEOUT,
    assert_no_errors,
    changed_fraction,
    diagnosed,
    open_and_run_in_jupyterlab,
    save_screenshot,
)

SETUP = """\
%matplotlib widget
import json
import numpy as np
from helpers import widgets"""

SHOW = """\
e = widgets.explorer("momentum", surface="bowl", learning_rate=0.05, momentum=0.8)
rates, betas = np.geomspace(1e-3, 1, 60), np.linspace(0, 0.99, 60)
view = widgets.explorer_with_map(e, x=("learning_rate", rates), y=("momentum", betas))
view"""

# Where the test should click: each target's position as fractions of its canvas (from the
# top left), and a pixel's size in data units there (how far off a click may land).
WHERE = """\
def where(ax, x, y):
    px, py = ax.transData.transform((x, y))
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(px, py), (px + 1, py + 1)])
    fx, fy = px / ax.figure.bbox.width, 1 - py / ax.figure.bbox.height
    return {"x": x, "y": y, "fx": fx, "fy": fy, "dx": abs(x1 - x0), "dy": abs(y1 - y0)}

targets = {"start": where(e.ax_surface, 4.0, -2.5), "map": where(view.map.ax, 0.1, 0.5)}
print("CLICK-AT", json.dumps(targets))"""

MAP = ".faster-optimizers-map"
CANVAS = ".jupyter-matplotlib-canvas-div"
START_BOXES = ".faster-optimizers-control-start .widget-text input"
ETA_BOX = ".faster-optimizers-control-learning_rate .widget-text input"
BETA_BOX = ".faster-optimizers-control-momentum .widget-text input"


@pytest.fixture
def clicks_notebook(browser_tmp):
    """The test's notebook, alone in a folder: set-up with ``%matplotlib widget``, the explorer
    with its map, and the cell that says where to click."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (SETUP, SHOW, WHERE)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = browser_tmp / "clicks" / "clicks.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def clicks_lab_server(clicks_notebook, server_env, browser_tmp):
    if executable("jupyter") is None:
        pytest.skip("no jupyter executable next to this Python: install the course (make setup)")
    root = clicks_notebook.parent
    with running("jupyterlab-clicks", lab_command(root), server_env, root, browser_tmp) as server:
        yield server


def pixels(locator):
    from PIL import Image

    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def click_at(page, figure, target):
    """Click on ``figure``'s canvas at the target's fractions of it."""
    canvas = figure.locator(CANVAS).locator("canvas").last  # the top canvas takes the mouse
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100, f"the canvas is not shown: {box}"
    page.mouse.click(
        box["x"] + target["fx"] * box["width"], box["y"] + target["fy"] * box["height"]
    )


def test_clicks_set_the_start_and_the_mapped_pair_in_jupyterlab_with_ipympl(
    page, clicks_lab_server, clicks_notebook
):
    with diagnosed(page, clicks_lab_server, "jupyterlab-clicks"):
        notebook = open_and_run_in_jupyterlab(page, clicks_lab_server, clicks_notebook.name)
        explorer = page.locator(EXPLORER).first
        linked = page.locator(MAP).first
        for figure in (explorer, linked):
            expect(figure.locator(CANVAS)).to_be_visible(timeout=KERNEL_TIMEOUT)
        printed = notebook.locator(".jp-OutputArea-output").filter(has_text="CLICK-AT")
        expect(printed).to_have_count(1, timeout=KERNEL_TIMEOUT)
        targets = json.loads(re.search(r"CLICK-AT (.*)", printed.inner_text()).group(1))
        expect(explorer.locator(".faster-optimizers-click-hint")).to_contain_text("Click on")
        assert_no_errors(page)
        page.wait_for_timeout(1000)  # the canvases' first frames

        start = explorer.locator(START_BOXES)
        before = (start.nth(0).input_value(), start.nth(1).input_value())
        click_at(page, explorer, targets["start"])
        expect(start.nth(0)).not_to_have_value(before[0], timeout=UPDATE_TIMEOUT)
        page.wait_for_timeout(1000)
        x, y = float(start.nth(0).input_value()), float(start.nth(1).input_value())
        t = targets["start"]
        assert abs(x - t["x"]) <= 2 * t["dx"] + 0.01 and abs(y - t["y"]) <= 2 * t["dy"] + 0.01, (
            f"clicked at ({t['x']}, {t['y']}); the start boxes show ({x}, {y})"
        )

        eta, beta = explorer.locator(ETA_BOX), explorer.locator(BETA_BOX)
        before = eta.input_value()
        map_canvas = linked.locator(CANVAS)
        map_canvas.scroll_into_view_if_needed()
        before_pixels = pixels(map_canvas)
        click_at(page, linked, targets["map"])
        expect(eta).not_to_have_value(before, timeout=UPDATE_TIMEOUT)
        page.wait_for_timeout(1500)
        moved = changed_fraction(before_pixels, pixels(map_canvas))
        assert moved > 0.001, f"the map's marker did not move ({moved:.4%} of pixels changed)"
        t = targets["map"]
        got = float(eta.input_value()), float(beta.input_value())
        assert abs(got[0] / t["x"] - 1) < 0.02 and abs(got[1] - t["y"]) <= 2 * t["dy"] + 0.005, (
            f"clicked on the map at (η, β) = ({t['x']}, {t['y']}); the boxes show {got}"
        )
        assert_no_errors(page)

        # The screenshot: the map and the explorer, from the map's top, as tall as they are.
        linked.evaluate("m => m.closest('.jp-Cell').scrollIntoView({block: 'start'})")
        page.set_viewport_size({"width": 1280, "height": 1300})
        page.mouse.move(2, 600)  # off the figures: ipympl's toolbars fade out
        page.wait_for_timeout(800)
    save_screenshot(page, "browser-linked-map.png", clicks_lab_server.log.parent)

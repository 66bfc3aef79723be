"""The live explorer in a real browser: JupyterLab and Voila, in headless Chromium, and the
classic Notebook 6.5 with Colab's packages (ipywidgets 7.7, IPython 7.34, from .venv-colab),
whose frontend renders ipywidgets 7 as Colab's does: a stand-in for Colab, which a test cannot
reach.

Each test opens ``notebooks/00_gradient_descent.ipynb`` in a server started for it (see
conftest.py), runs it, waits for the explorer, moves the η slider with the keyboard (focus on
the slider's handle, ArrowLeft, then ArrowRight twice) and checks, after each move, that the
round trip through the kernel happened: the η box shows the new value, the figure (an
``ipywidgets.Image``) has a new PNG whose pixels differ from the last, and the readout under
the figure names the new η. No error output and no Python traceback may be on the page.

The notebook is a trimmed copy, made in a temporary folder: the setup cell, the explorer's
heading and the explorer's cell only, without outputs. The full notebook also loads
Fashion-MNIST and trains a model (a minute on a loaded machine, even in quick mode), which has
nothing to do with the explorer; the committed notebook is never opened for writing.

With $FASTER_OPTIMIZERS_SCREENSHOTS set to a folder (``make screenshots``: docs/), screenshots
of the explorer after the moves are written there as browser-jupyterlab.png,
browser-voila.png and browser-notebook6-ipywidgets7.png, only when the test passes.
Needs the ``playwright`` Python package and the system's Chromium (never a downloaded one).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from colab_env import VENV, changed, packages
from jupyter_servers import NOTEBOOK, find_chromium

pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need the playwright package (pip install)"
)
if find_chromium() is None:
    NO_CHROMIUM = (
        "the browser tests need the system's Chromium: no chromium or chromium-browser on the "
        "PATH (apt-get install chromium; playwright's own browsers are not used)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true"):  # .ci/run installs it: a failure there
        raise RuntimeError(NO_CHROMIUM)
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=60_000)  # Playwright's 5 s is too short on a loaded machine

# Screenshots are kept only when asked for (`make screenshots` writes the README's into docs/).
SCREENSHOTS = os.environ.get("FASTER_OPTIMIZERS_SCREENSHOTS")

# Selectors: the CSS classes helpers.widgets gives the explorer's parts.
EXPLORER = ".faster-optimizers-explorer"
FIGURE = ".faster-optimizers-figure"
READOUT = ".faster-optimizers-readout"
ETA = ".faster-optimizers-control-learning_rate"
# The slider's handle, which takes focus: ipywidgets 8 sliders are noUiSlider, ipywidgets 7 (the
# classic Notebook's, Colab's) sliders are jQuery UI sliders.
SLIDER_HANDLE = ".noUi-handle, .ui-slider-handle"
VALUE_BOX = ".widget-text input"
NOTEBOOK_NAME = NOTEBOOK.name

KERNEL_TIMEOUT = 180_000  # ms: starting a kernel and running the cells on a loaded machine
UPDATE_TIMEOUT = 60_000  # ms: one slider move, through the kernel and back


# --------------------------------------------------------------------------------------------
# The explorer on a page


class ExplorerOnPage:
    def __init__(self, page):
        self.page = page
        self.root = page.locator(EXPLORER).first
        self.figure = self.root.locator(FIGURE)
        self.readout = self.root.locator(READOUT).last
        self.eta = self.root.locator(ETA).first
        self.handle = self.eta.locator(SLIDER_HANDLE)
        self.box = self.eta.locator(VALUE_BOX)

    def wait_until_shown(self, timeout=KERNEL_TIMEOUT):
        expect(self.figure).to_be_visible(timeout=timeout)
        expect(self.handle).to_be_visible()
        self.wait_until_settled()

    def state(self) -> dict:
        return {
            "eta": self.box.input_value(),
            "src": self.figure.get_attribute("src"),
            "readout": self.readout.inner_text(),
        }

    def wait_until_settled(self, quiet=1.5, timeout=UPDATE_TIMEOUT / 1000):
        """Wait until the η box and the figure have not changed for ``quiet`` seconds (the
        frontend may still be sending a value, e.g. when the slider snaps to its steps)."""
        deadline = time.monotonic() + timeout
        last, since = self.state(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.state()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet and now["src"]:
                return now
        raise AssertionError(f"the explorer did not settle in {timeout:.0f} s: {last}")

    def pixels(self):
        from PIL import Image

        return Image.open(io.BytesIO(self.figure.screenshot())).convert("RGB")

    def press(self, key: str, times: int = 1) -> tuple[dict, dict]:
        """Focus η's slider handle, press ``key`` ``times`` times; return (before, after)."""
        before = self.state()
        before_pixels = self.pixels()
        self.handle.focus()
        expect(self.handle).to_be_focused()
        for _ in range(times):
            self.page.keyboard.press(key)
        # The kernel hears the slider, sets the box, reruns the optimizer and sends a new PNG.
        expect(self.box).not_to_have_value(before["eta"], timeout=UPDATE_TIMEOUT)
        expect(self.figure).not_to_have_attribute("src", before["src"], timeout=UPDATE_TIMEOUT)
        after = self.wait_until_settled()
        changed = changed_fraction(before_pixels, self.pixels())
        assert changed > 0.001, (
            f"{key}: the figure's pixels barely changed ({changed:.4%}) "
            f"from η = {before['eta']} to η = {after['eta']}"
        )
        assert after["readout"] != before["readout"], f"{key}: the readout did not change"
        assert after["eta"] in after["readout"], (
            f"{key}: the readout does not name the new η = {after['eta']}: {after['readout']!r}"
        )
        return before, after

    def check_keyboard_moves(self):
        """ArrowLeft lowers η, ArrowRight (twice) raises it; each redraws the figure."""
        before, after = self.press("ArrowLeft")
        assert float(after["eta"]) < float(before["eta"]), (before["eta"], after["eta"])
        before, after = self.press("ArrowRight", times=2)
        assert float(after["eta"]) > float(before["eta"]), (before["eta"], after["eta"])


def changed_fraction(a, b) -> float:
    """The fraction of pixels that differ between two images (of possibly different sizes)."""
    import numpy as np

    if a.size != b.size:
        return 1.0
    return float(np.any(np.asarray(a) != np.asarray(b), axis=-1).mean())


def assert_no_errors(page):
    """No error output, no traceback, no Voila error message on the page."""
    errors = page.locator('[data-mime-type="application/vnd.jupyter.error"], .output_error')
    assert errors.count() == 0, "an error output is shown:\n" + errors.first.inner_text()
    text = page.locator("body").inner_text()
    for sign in ("Traceback (most recent call last)", "There was an error when executing"):
        assert sign not in text, f"the page shows {sign!r}:\n{text[-3000:]}"


@contextmanager
def diagnosed(page, server, name):
    """On failure, add what is needed to understand it: a screenshot, the page's errors, the
    end of the server's log."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "ERR_NAME_NOT_RESOLVED" not in message.text
            else None
        ),
    )
    try:
        yield
    except Exception as error:
        shot = server.log.parent / f"failure-{name}.png"
        try:
            page.screenshot(path=str(shot))
        except Exception:
            shot = None
        details = "\n".join(problems[-15:]) or "(no page errors)"
        raise AssertionError(
            f"{error}\n\n--- screenshot: {shot}\n--- the browser's errors:\n{details}\n"
            f"--- the end of the {server.name} log ({server.log}):\n{server.log_tail(25)}"
        ) from error


def fit_viewport_to_content(page, most=1600):
    """Make the viewport tall enough to show the page's scrolled panel whole (up to ``most``)."""
    overflow = page.evaluate(
        """() => Math.max(0, ...[...document.querySelectorAll('*')]
            .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
            .map(e => e.scrollHeight - e.clientHeight))"""
    )
    size = page.viewport_size
    height = min(size["height"] + overflow + 8, most)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)


def save_screenshot(page, name: str, scratch: Path) -> Path:
    """Take a screenshot into ``scratch``, then copy it to SCREENSHOTS/name (so that a failed or
    interrupted screenshot never replaces a good one)."""
    shot = scratch / name
    page.screenshot(path=str(shot), animations="disabled", caret="hide")
    if not SCREENSHOTS:
        return shot
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, folder / name)
    return folder / name


# --------------------------------------------------------------------------------------------
# JupyterLab


def run_all_cells(page, first_prompt, attempts=2):
    """Run > Run All Cells, from the menu bar. If the first cell's prompt still shows "[ ]"
    (not "[*]" or "[1]") after a while, the command was lost (as when the kernel is not yet
    connected): choose it again."""
    for attempt in range(attempts):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            expect(first_prompt).not_to_have_text(re.compile(r"\[ \]"), timeout=20_000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def open_and_run_in_jupyterlab(page, server, name: str):
    """Open the notebook ``name`` in JupyterLab, close the left sidebar, Run All Cells from the
    Run menu once the kernel is idle, and wait until every cell has run; returns the notebook."""
    page.goto(server.url(f"/lab/tree/{name}"))
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(notebook.locator(".jp-CodeCell").first).to_be_visible(timeout=KERNEL_TIMEOUT)

    # More room for the notebook: close the left sidebar (Ctrl+B, "Show Left Sidebar").
    page.keyboard.press("Control+b")

    # The kernel is ready when the status bar names it and says it is idle. (The toolbar's
    # execution indicator also says "idle" before any kernel exists: not a sign.)
    kernel_status = page.locator(".jp-StatusBar-TextItem").filter(
        has_text=re.compile(r"^(?!No Kernel).+ \| Idle$")
    )
    expect(kernel_status).to_have_count(1, timeout=KERNEL_TIMEOUT)

    prompts = notebook.locator(".jp-CodeCell .jp-InputPrompt")
    run_all_cells(page, prompts.first)
    count = prompts.count()
    assert count >= 2, f"expected the setup and explorer cells, found {count} code cells"
    for i in range(count):  # "[1]:", "[2]:" once run; "[ ]:" before, "[*]:" while running
        expect(prompts.nth(i)).to_have_text(re.compile(r"\[\d+\]"), timeout=KERNEL_TIMEOUT)
    expect(kernel_status).to_have_count(1, timeout=KERNEL_TIMEOUT)
    return notebook


def test_explorer_in_jupyterlab(page, lab_server, explorer_notebook):
    """Open the notebook in JupyterLab, Run All Cells from the Run menu, move η with the
    keyboard, check the figure and readout follow, save docs/browser-jupyterlab.png."""
    with diagnosed(page, lab_server, "jupyterlab"):
        open_and_run_in_jupyterlab(page, lab_server, explorer_notebook.name)
        explorer = ExplorerOnPage(page)
        explorer.wait_until_shown()
        assert_no_errors(page)

        explorer.check_keyboard_moves()
        assert_no_errors(page)

        # The screenshot: the explorer's cell at the top of the notebook's viewport.
        explorer.handle.evaluate("h => h.closest('.jp-Cell').scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
    save_screenshot(page, "browser-jupyterlab.png", lab_server.log.parent)


# --------------------------------------------------------------------------------------------
# Voila


def test_explorer_in_voila(page, voila_server):
    """Open the notebook as a Voila page (as ``make demo`` serves it), move η with the
    keyboard, check the figure and readout follow, save docs/browser-voila.png."""
    with diagnosed(page, voila_server, "voila"):
        page.goto(voila_server.url("/"), timeout=KERNEL_TIMEOUT)
        explorer = ExplorerOnPage(page)
        explorer.wait_until_shown()
        assert_no_errors(page)

        explorer.check_keyboard_moves()
        assert_no_errors(page)
        # The screenshot: the whole page. Voila scrolls a panel (not the document), which
        # full_page screenshots do not unroll: make the viewport as tall as the page instead.
        fit_viewport_to_content(page)
    save_screenshot(page, "browser-voila.png", voila_server.log.parent)


# --------------------------------------------------------------------------------------------
# The classic Notebook with ipywidgets 7: Colab's packages and widget protocol

# The classic Notebook's widget manager (widgetsnbextension) registers its comm target a few
# seconds after the kernel connects; widgets the kernel opens before that never show, not even a
# plain IntSlider. A reader runs the cells later than that; so does the test, once it is there.
WIDGETS_READY = """() => {
    const kernel = window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel;
    return Boolean(kernel && kernel.is_connected() && kernel.widget_manager
        && kernel.comm_manager && kernel.comm_manager.targets["jupyter.widget"]
        && document.querySelector("#kernel_indicator_icon.kernel_idle_icon"));
}"""


def test_explorer_in_classic_notebook_with_ipywidgets7(page, notebook6_server):
    """Colab's packages (ipywidgets 7.7, IPython 7.34) behind the classic Notebook 6.5's
    frontend, which speaks the ipywidgets 7 protocol as Colab's does: open the notebook, wait
    for the widget manager, Cell > Run All (the setup cell installs the course), move η with the
    keyboard, check the figure and readout follow, and that the setup cell installed the course
    alone and changed nothing else; save docs/browser-notebook6-ipywidgets7.png."""
    server, python, before = notebook6_server
    with diagnosed(page, server, "notebook6"):
        page.goto(server.url(f"/notebooks/{NOTEBOOK_NAME}"))
        page.wait_for_function(WIDGETS_READY, timeout=KERNEL_TIMEOUT, polling=500)

        prompts = page.locator(".code_cell .input_prompt")
        for attempt in range(2):  # Cell > Run All; once more if the command was lost
            page.locator("#menus").get_by_role("link", name="Cell", exact=True).click()
            page.locator("#run_all_cells").click()
            try:
                expect(prompts.first).not_to_have_text(re.compile(r"\[ \]"), timeout=20_000)
                break
            except AssertionError:
                if attempt == 1:
                    raise
        count = prompts.count()
        assert count >= 2, f"expected the setup and explorer cells, found {count} code cells"
        for i in range(count):  # "In [1]:" once run; "In [ ]:" before, "In [*]:" while running
            expect(prompts.nth(i)).to_have_text(re.compile(r"\[\d+\]"), timeout=KERNEL_TIMEOUT)

        explorer = ExplorerOnPage(page)
        explorer.wait_until_shown()
        expect(explorer.handle).to_have_class(re.compile(r"\bui-slider-handle\b"))  # ipywidgets 7
        assert_no_errors(page)

        explorer.check_keyboard_moves()
        assert_no_errors(page)

        # The setup cell installed the course, said so, and nothing else.
        setup = page.locator(".code_cell").first.locator(".output_subarea").all_inner_texts()
        installed = re.findall(r"Successfully installed (.*)", "\n".join(setup))
        assert len(installed) == 1 and re.fullmatch(
            r"faster-optimizers-[\w.+]+", installed[0].strip()
        ), setup
        assert changed(before, packages(python)) == [], "the setup cell changed these"
        # ...into the kernel's own runtime, not into .venv-colab, which other tests share
        assert list(python.parents[1].glob("lib/python*/site-packages/faster_optimizers-*"))
        assert not list(VENV.glob("lib/python*/site-packages/faster_optimizers-*"))

        # The screenshot: the explorer's cell at the top of the page.
        explorer.handle.evaluate("h => h.closest('.cell').scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
    save_screenshot(page, "browser-notebook6-ipywidgets7.png", server.log.parent)

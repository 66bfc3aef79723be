"""Your own surface in a real browser: in the explorer of notebooks/00_gradient_descent.ipynb,
served by Voila (see test_browser.py for the servers and the page), type a formula into the box
``J(x, y) =`` and press Enter: the surface menu shows it, the figure and the readout change.
Then a bad formula: its message appears, and the figure stays as it was.

With $FASTER_OPTIMIZERS_SCREENSHOTS set (``make screenshots``), the page after both is saved
there as browser-custom-surface.png.
"""

from __future__ import annotations

from test_browser import (  # skips, as the browser tests do, without playwright or Chromium
    UPDATE_TIMEOUT,
    ExplorerOnPage,
    assert_no_errors,
    diagnosed,
    expect,
    fit_viewport_to_content,
    save_screenshot,
)

FORMULA_BOX = ".faster-optimizers-formula input"
GOOD = "(x**2 - 4)**2/8 + 2*(y - x/2)**2"
BAD = "x^2 + y"


def selected_surface(explorer) -> str:
    menu = explorer.root.locator(".widget-dropdown").filter(has_text="surface").locator("select")
    text = menu.evaluate("s => s.options[s.selectedIndex].text")
    return text.replace("\xa0", " ")  # ipywidgets 8 shows spaces as no-break spaces


def test_your_own_surface_in_voila(page, voila_server):
    with diagnosed(page, voila_server, "voila-formula"):
        page.goto(voila_server.url("/"), timeout=180_000)
        explorer = ExplorerOnPage(page)
        explorer.wait_until_shown()
        box = explorer.root.locator(FORMULA_BOX)
        expect(box).to_be_visible()

        before = explorer.state()
        box.fill(GOOD)
        box.press("Enter")
        expect(explorer.figure).not_to_have_attribute("src", before["src"], timeout=UPDATE_TIMEOUT)
        shown = explorer.wait_until_settled()
        assert shown["readout"] != before["readout"]
        assert selected_surface(explorer) == GOOD
        assert_no_errors(page)

        box.fill(BAD)
        box.press("Enter")
        expect(explorer.root).to_contain_text(
            "'^' is not a power here: write x**2 for x squared", timeout=UPDATE_TIMEOUT
        )
        after = explorer.wait_until_settled()
        assert after["src"] == shown["src"], "a bad formula changed the figure"
        assert selected_surface(explorer) == GOOD
        assert_no_errors(page)
        fit_viewport_to_content(page)
    save_screenshot(page, "browser-custom-surface.png", voila_server.log.parent)

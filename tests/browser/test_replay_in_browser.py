"""The explorer's replay in a real browser: in notebooks/00_gradient_descent.ipynb's explorer,
served by Voila (see test_browser.py for the servers and the page), press ▶: the step slider
goes back to the start and moves on, and the figure (the path up to that step, with the step's
arrows) changes with it; then pause, and the figure stays at that step.

With $FASTER_OPTIMIZERS_SCREENSHOTS set (``make screenshots``), the paused page is saved there
as browser-replay.png.
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

PLAY = ".faster-optimizers-replay-play"
STEP = ".faster-optimizers-replay-step"


def test_replay_in_voila(page, voila_server):
    with diagnosed(page, voila_server, "voila-replay"):
        page.goto(voila_server.url("/"), timeout=180_000)
        explorer = ExplorerOnPage(page)
        explorer.wait_until_shown()
        readout = explorer.root.locator(STEP).locator(".widget-readout")
        end = int(readout.inner_text())
        assert end > 0, "the step slider starts at the end of the run"
        before = explorer.state()

        play = explorer.root.locator(PLAY).locator("button").first  # ▶, then ⏸ while playing
        play.click()
        expect(readout).not_to_have_text(str(end), timeout=UPDATE_TIMEOUT)
        expect(explorer.figure).not_to_have_attribute("src", before["src"], timeout=UPDATE_TIMEOUT)
        page.wait_for_timeout(300)  # a few frames: early, where the arrows are long
        play.click()  # pause
        paused = explorer.wait_until_settled()
        step = int(readout.inner_text())
        assert 0 < step < end, f"paused at step {step} of {end}"
        assert paused["src"] != before["src"], "the figure did not follow the step"
        assert paused["eta"] == before["eta"], "replaying changed a hyperparameter"
        assert_no_errors(page)
        fit_viewport_to_content(page)
    save_screenshot(page, "browser-replay.png", voila_server.log.parent)

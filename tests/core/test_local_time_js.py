"""static/js/local-time.js in Chromium: loaded twice (htmx re-runs scripts it swaps in), it
still listens once, and it localises <time data-local> whenever it is loaded."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "local-time.js"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

#: counts htmx:afterSettle listeners added to <body>, installed before the script runs
COUNTER = """
window.settleListeners = 0;
var add = document.body.addEventListener.bind(document.body);
document.body.addEventListener = function (type, listener, options) {
  if (type === "htmx:afterSettle") { window.settleListeners += 1; }
  return add(type, listener, options);
};
"""


@pytest.fixture
def blank_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(timezone_id="Asia/Tokyo", locale="en-GB")
            page.set_content(
                '<body><time data-local datetime="2026-10-01T12:00:00Z">'
                "2026-10-01 12:00 UTC</time></body>"
            )
            yield page
        finally:
            browser.close()


def test_loaded_twice_it_adds_one_settle_listener(blank_page) -> None:  # type: ignore[no-untyped-def]
    blank_page.evaluate(COUNTER)
    blank_page.add_script_tag(path=str(SCRIPT))
    blank_page.add_script_tag(path=str(SCRIPT))
    assert blank_page.evaluate("window.settleListeners") == 1


def test_loaded_after_the_page_it_localises_at_once(blank_page) -> None:  # type: ignore[no-untyped-def]
    blank_page.add_script_tag(path=str(SCRIPT))
    time = blank_page.locator("time")
    assert "21:00" in time.inner_text()  # 12:00 UTC in Tokyo
    assert time.get_attribute("title") == "2026-10-01 12:00 UTC"

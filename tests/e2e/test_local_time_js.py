"""static/js/local-time.js in Chromium: loaded twice (htmx re-runs scripts it swaps in), it
still listens once, and it localises <time data-local> whenever it is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "local-time.js"

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
def blank_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A bare page in Tokyo time, from the session's Debian Chromium (tests/e2e/conftest.py)."""
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    try:
        page = context.new_page()
        page.set_content(
            '<body><time data-local datetime="2026-10-01T12:00:00Z">'
            "2026-10-01 12:00 UTC</time></body>"
        )
        yield page
    finally:
        context.close()


def test_loaded_twice_it_adds_one_settle_listener(blank_page) -> None:  # type: ignore[no-untyped-def]
    blank_page.evaluate(COUNTER)
    blank_page.add_script_tag(path=str(SCRIPT))
    blank_page.add_script_tag(path=str(SCRIPT))
    assert blank_page.evaluate("window.settleListeners") == 1


def test_loaded_after_the_page_it_localises_at_once(blank_page) -> None:  # type: ignore[no-untyped-def]
    blank_page.add_script_tag(path=str(SCRIPT))
    time = blank_page.locator("time")
    assert "21:00" in time.inner_text()  # 12:00 UTC in Tokyo
    # The full time, with the viewer's zone, stays on hover.
    assert "1 Oct 2026, 21:00" in (time.get_attribute("title") or "")


def test_relative_times_say_how_long_ago_and_keep_the_full_time_on_hover(blank_page) -> None:  # type: ignore[no-untyped-def]
    blank_page.evaluate(
        "() => { const t = document.querySelector('time');"
        " t.setAttribute('datetime', new Date(Date.now() - 3 * 60000).toISOString());"
        " t.setAttribute('data-relative', ''); }"
    )
    blank_page.add_script_tag(path=str(SCRIPT))
    time = blank_page.locator("time")
    assert time.inner_text() == "3 minutes ago"
    assert "GMT+9" in (time.get_attribute("title") or "") or "JST" in (
        time.get_attribute("title") or ""
    )

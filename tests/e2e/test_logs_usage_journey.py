"""Support answers "my site shows errors"; finance reads a month of usage. In Chromium, with
desktop and phone-width (390 px) screenshots of the dashboard, the logs and the usage page."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.helpers import ARTIFACTS, OWNER, login, seeded_project

PHONE = {"width": 390, "height": 844}


def _top(page: Page, name: str) -> None:
    """What a phone shows first (the full-page shots of long lists are too tall to read)."""
    page.screenshot(path=str(ARTIFACTS / f"logs-usage-{name}-top.png"))


def _log(sandbox: str, project: str, message: str, request_id: str, priority: str) -> None:
    control = sandbox.removesuffix("/v1") + f"/_sandbox/projects/{project}/logs"
    response = httpx.post(
        control, json={"message": message, "priority": priority, "request_id": request_id}
    )
    assert response.status_code == 201, response.text


def test_support_follows_an_error_to_its_request_and_tails_it(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    sandbox = live_servers["sandbox"]
    project_id, project_name = seeded_project(sandbox)
    request_id = str(uuid.uuid4())
    _log(sandbox, project_id, "GET /checkout/ 200 41ms", request_id, "info")
    _log(sandbox, project_id, "PHP Fatal error: checkout exploded in cart.php", request_id, "error")

    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/")
    expect(page.get_by_role("heading", name=project_name)).to_be_visible()
    expect(page.get_by_test_id("site-link")).to_be_visible()
    expect(page.get_by_test_id("sparkline")).to_be_visible()
    errors = page.get_by_test_id("card-errors")
    expect(errors.get_by_test_id("error-entry").first).to_contain_text("checkout exploded")
    expect(page.get_by_test_id("card-error")).to_have_count(0)
    shot(page, "dashboard")
    page.set_viewport_size(PHONE)
    shot(page, "dashboard-phone")
    _top(page, "dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The error entry opens the logs narrowed to its request: both of its lines, nothing else.
    errors.get_by_test_id("error-entry").first.click()
    expect(page).to_have_url(re.compile(f"request_id={request_id}"))
    entries = page.get_by_test_id("log-entry")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("checkout exploded")
    expect(entries.first.get_by_test_id("log-priority")).to_have_text("Error")

    # The URL is the ticket: pasted into another tab, it shows the same search.
    copied = page.url
    other = page.context.new_page()
    other.goto(copied)
    expect(other.get_by_test_id("log-entry")).to_have_count(2)
    expect(other.locator("#logs-request_id")).to_have_value(request_id)
    other.close()

    # Live tail: a new line of the same request arrives on top, once.
    page.get_by_test_id("live-tail").click()
    expect(page.get_by_test_id("live-tail")).to_have_attribute("aria-pressed", "true")
    _log(sandbox, project_id, "GET /checkout/ retried by the visitor 200 38ms", request_id, "info")
    expect(entries).to_have_count(3, timeout=15_000)
    expect(entries.first).to_contain_text("retried by the visitor")
    expect(page.get_by_test_id("tail-status")).to_contain_text("1 new entry")
    page.wait_for_timeout(3500)  # another poll: still no duplicate
    expect(entries).to_have_count(3)
    shot(page, "logs-tail")
    page.get_by_test_id("live-tail").click()
    expect(page.get_by_test_id("tail-status")).to_have_text("Live tail off.")

    # A plain search: phone width stacks each entry.
    page.goto(f"{base_url}/projects/{project_id}/logs/?window=7d&q=fatal")
    expect(page.locator("mark").first).to_be_visible()
    shot(page, "logs-search")
    page.set_viewport_size(PHONE)
    shot(page, "logs-search-phone")
    _top(page, "logs-search-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the logs page is {width} px wide at 390"


def test_finance_reads_30_days_daily_and_downloads_the_csv(
    page: Page, base_url: str, live_servers: dict[str, str], shot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id, project_name = seeded_project(live_servers["sandbox"])
    login(page, base_url, "finance")
    # Finance reaches usage from the workspace's project list (project pages are not theirs).
    workspace = httpx.get(f"{live_servers['sandbox']}/projects/{project_id}", headers=OWNER).json()
    page.goto(f"{base_url}/workspaces/{workspace['workspace_id']}/")
    page.get_by_test_id("workspace-projects").get_by_role("link", name=project_name).click()
    expect(page.get_by_role("heading", name=f"Usage of {project_name}")).to_be_visible()
    page.get_by_label("Time window").select_option("7d")
    page.get_by_label("Time window").select_option("30d")
    page.get_by_label("Buckets").select_option("day")
    expect(page).to_have_url(re.compile(r"window=30d&granularity=day"))
    expect(page.get_by_test_id("usage-totals")).to_contain_text("Requests")
    expect(page.get_by_test_id("total-transfer")).to_contain_text("GB")
    expect(page.get_by_test_id("total-duration")).to_contain_text("ms")
    responses = page.get_by_test_id("chart-responses")
    expect(responses.locator(".chart-bucket")).to_have_count(30)

    # Keyboard: the chart is one tab stop, arrows move, the focused bucket shows its numbers.
    first = responses.locator(".chart-bucket").first
    first.focus()
    page.keyboard.press("End")
    last = responses.locator(".chart-bucket").last
    expect(last).to_be_focused()
    expect(last.locator(".chart-tip")).to_be_visible()
    expect(last.locator(".chart-tip")).to_contain_text("5xx server error")
    shot(page, "usage")

    with page.expect_download() as info:
        page.get_by_test_id("usage-export").click()
    saved = tmp_path / "usage.csv"
    info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Period start (UTC)", "Period", "Requests"]
    assert len(rows) == 31

    page.set_viewport_size(PHONE)
    _top(page, "usage-totals-phone")
    responses.scroll_into_view_if_needed()
    _top(page, "usage-chart-phone")
    page.get_by_test_id("usage-table-fold").locator("summary").click()
    shot(page, "usage-phone")
    _top(page, "usage-phone")
    page.get_by_test_id("usage-table").scroll_into_view_if_needed()
    _top(page, "usage-table-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the usage page is {width} px wide at 390"


def test_a_custom_range_is_typed_and_shown_in_the_viewers_time_zone(
    browser, base_url: str, live_servers: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    project_id, _ = seeded_project(live_servers["sandbox"])
    context = browser.new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/logs/")
    expect(page.locator("#logs-tz")).to_have_value("Europe/Berlin")
    page.locator("#logs-start").fill("2026-07-01T12:00")
    expect(page.locator("#logs-window")).to_have_value("custom")
    page.get_by_test_id("log-search").click()
    expect(page).to_have_url(re.compile(r"tz=Europe%2FBerlin"))
    expect(page.get_by_test_id("log-summary")).to_contain_text("2026-07-01 12:00")
    expect(page.get_by_test_id("log-summary")).to_contain_text("Europe/Berlin")
    # The zone is remembered: a link without one (pasted from a colleague) reads in Berlin too.
    page.goto(f"{base_url}/projects/{project_id}/logs/?window=1h")
    expect(page.get_by_text("Times in Europe/Berlin.")).to_be_visible()
    context.close()


def test_the_live_tail_keeps_the_newest_pauses_when_hidden_and_stops_by_itself(
    page: Page, base_url: str, live_servers: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    sandbox = live_servers["sandbox"]
    project_id, _ = seeded_project(sandbox)
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/logs/?window=1h")
    toggle = page.get_by_test_id("live-tail")
    # A fast, small tail for the test: poll every 0.5 s, keep 3 rows, stop after 8 s.
    toggle.evaluate(
        "b => { b.dataset.pollMs = '500'; b.dataset.keep = '3'; b.dataset.stopAfterMs = '8000'; }"
    )
    toggle.click()
    marker = uuid.uuid4().hex[:8]
    for n in range(1, 5):
        _log(sandbox, project_id, f"tail {marker} line {n}", str(uuid.uuid4()), "info")
    entries = page.get_by_test_id("log-entry")
    expect(entries.first).to_contain_text(f"tail {marker} line 4", timeout=10_000)
    expect(entries).to_have_count(3)
    expect(entries.nth(1)).to_contain_text(f"tail {marker} line 3")
    expect(entries.nth(2)).to_contain_text(f"tail {marker} line 2")

    # Hidden tab: no polling; back in view, it catches up at once.
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    )
    expect(page.get_by_test_id("tail-status")).to_contain_text("paused", timeout=5_000)
    _log(sandbox, project_id, f"tail {marker} while hidden", str(uuid.uuid4()), "info")
    page.wait_for_timeout(1500)
    expect(entries.first).not_to_contain_text("while hidden")
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    expect(entries.first).to_contain_text("while hidden", timeout=5_000)

    expect(page.get_by_test_id("tail-status")).to_contain_text(
        "stopped by itself after 8 seconds", timeout=15_000
    )
    expect(toggle).to_have_attribute("aria-pressed", "false")

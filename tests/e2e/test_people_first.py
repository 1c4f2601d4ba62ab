"""Small things people notice, in Chromium: copy buttons for one-time secrets, the budget stop
warning only while the stop is on."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import login


def test_admin_copies_a_new_persons_one_time_password(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, base_url, "admin")
    page.goto(f"{base_url}/accounts/people/new/")
    page.get_by_label("Username").fill("copy-test")
    page.get_by_role("button", name="Add person").click()
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    page.get_by_test_id("copy-password").click()
    expect(page.get_by_test_id("copy-password")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == password
    shot(page, "copied")


def test_the_budget_stop_warning_shows_only_while_the_stop_is_on(page: Page, base_url: str) -> None:
    login(page, base_url, "finance")
    page.goto(f"{base_url}/billing/budget/")
    stop = page.locator("input[name=budget_stop]")
    warning = page.get_by_test_id("budget-stop-warning")
    if stop.is_checked():
        stop.uncheck()
    expect(warning).to_be_hidden()
    stop.check()
    expect(warning).to_be_visible()


def test_changing_a_filter_and_clicking_filter_at_once_logs_no_console_error(
    page: Page, base_url: str
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    login(page, base_url, "finance")
    for path, field in (("/billing/transactions/", "Month"), ("/audit/", "Outcome")):
        page.goto(base_url + path)
        select = page.get_by_label(field, exact=True)
        options = select.locator("option").all()
        select.select_option(index=len(options) - 1)
        page.get_by_role("button", name="Filter").click()
        page.wait_for_load_state("networkidle")
    assert not [e for e in errors if "sendAbort" in e or "htmx" in e], errors


def test_an_answer_that_lands_after_back_leaves_the_restored_page_alone(
    page: Page, base_url: str, live_servers: dict[str, str]
) -> None:
    """Filter, then Back before the answer is in: the late answer neither swaps into the page
    Back restored nor pushes its address on top of it."""
    import re

    import httpx

    faults = live_servers["sandbox"].removesuffix("/v1") + "/_sandbox/faults"
    login(page, base_url, "finance")
    page.goto(f"{base_url}/billing/transactions/?year=2026&month=12")
    expect(page.get_by_test_id("month-section")).to_have_count(1)
    # A first filter pushes its address (htmx), so Back stays in this document and htmx
    # restores the page from the server.
    page.get_by_label("Month", exact=True).select_option(label="November")
    expect(page).to_have_url(re.compile(r"year=2026&month=11$"))
    # Agiler is slow for the next filter's answers.
    slow = {"operation": "list_transactions", "latency_ms": 1500, "times": 2}
    httpx.post(faults, json=slow).raise_for_status()
    try:
        page.get_by_label("Year", exact=True).fill("2025")
        page.get_by_role("button", name="Filter").click()
        page.go_back()
        expect(page).to_have_url(re.compile(r"year=2026&month=12$"))
        page.wait_for_timeout(3_500)  # the slow answers have landed by now
        expect(page).to_have_url(re.compile(r"year=2026&month=12$"))
        expect(page.get_by_label("Year", exact=True)).to_have_value("2026")
        expect(page.get_by_label("Month", exact=True)).to_have_value("12")
    finally:
        httpx.delete(faults)

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

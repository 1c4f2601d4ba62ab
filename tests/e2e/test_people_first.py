"""Small things people notice, in Chromium: copy buttons for one-time secrets, the budget stop
warning only while the stop is on."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login


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

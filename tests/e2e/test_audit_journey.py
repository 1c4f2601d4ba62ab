"""The audit log in Chromium: an admin signs in, finds their sign-in, filters, opens the detail."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.helpers import login


def test_admin_finds_their_login_filters_and_opens_the_detail(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(f"{base_url}/audit/")
    table = page.get_by_test_id("audit-table")
    expect(table.get_by_text("admin signed in").first).to_be_visible()
    shot(page, "list")

    # Filtering swaps only the table (htmx) and puts the filter in the URL.
    page.get_by_label("Outcome").select_option("failure")
    expect(page).to_have_url(re.compile(r"outcome=failure"))
    expect(page.get_by_text("No events match these filters")).to_be_visible()
    shot(page, "filtered-empty")

    page.get_by_label("Outcome").select_option("success")
    page.get_by_label("Actor").fill("admin")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"actor=admin"))
    row = page.get_by_test_id("audit-row").first
    expect(row).to_contain_text("admin signed in")
    expect(row).to_contain_text("Done")

    row.get_by_test_id("event-link").click()
    expect(page.get_by_role("heading", name="admin signed in")).to_be_visible()
    # Ids, statuses and hashes are folded away until asked for.
    expect(page.get_by_text("Request summary")).to_be_hidden()
    page.get_by_text("Technical details").click()
    expect(page.get_by_text("Request summary")).to_be_visible()
    shot(page, "detail")

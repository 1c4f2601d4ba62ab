"""Support finds a member whose invite is about to expire, in Chromium against the real server."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.helpers import login


def test_support_finds_an_expiring_invite_by_search_and_filter(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "support")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workspaces").click()
    expect(page).to_have_url(f"{base_url}/workspaces/")
    expect(page.get_by_test_id("workspace-row")).to_have_count(3)
    shot(page, "list")

    page.get_by_role("link", name="Acme Marketing").click()
    expect(page.get_by_role("heading", name="Acme Marketing", level=1)).to_be_visible()
    expect(page.get_by_test_id("mfa-warning")).to_contain_text("Vera Viewer")
    expect(page.get_by_test_id("member-row")).to_have_count(8)
    shot(page, "workspace")

    page.get_by_label("Search name or email").fill("hire")
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    page.get_by_label("Status").select_option("invited")
    # hx-push-url keeps the filters in the address bar, so the view can be shared or reloaded.
    expect(page).to_have_url(re.compile(r"q=hire.*status=invited"))
    row = page.get_by_test_id("member-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("new.hire@acme.example")
    expect(row.get_by_test_id("expiry-note")).to_contain_text("expires in")
    expect(page.get_by_test_id("member-counts")).to_contain_text("1 of 8 shown")
    shot(page, "expiring-invite")

    # Sorting by expiry keeps the filters; a reload of the pushed URL shows the same table.
    page.get_by_test_id("sort-expires").click()
    expect(page.get_by_test_id("sort-expires")).to_have_class("table-sort asc")
    expect(page).to_have_url(re.compile(r"sort=expires"))
    # Widening the search keeps the sort just clicked: the soonest-expiring invite comes first.
    page.get_by_label("Search name or email").fill("")
    expect(page.get_by_test_id("member-row")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"sort=expires"))
    expect(page.get_by_test_id("member-row").first).to_contain_text("new.hire@acme.example")
    page.reload()
    expect(page.get_by_test_id("member-row")).to_have_count(2)
    shot(page, "invites-by-expiry")


def test_support_opens_the_projects_list_and_a_project_home(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/")
    rows = page.get_by_test_id("project-row")
    expect(rows.first).to_be_visible()
    shot(page, "projects")
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_test_id("project-details")).to_be_visible()
    shot(page, "project-home")

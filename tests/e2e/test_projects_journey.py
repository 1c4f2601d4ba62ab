"""An operator creates, renames, deactivates and deletes a project, in Chromium against the
real server and sandbox."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login


def test_operator_creates_renames_deactivates_and_deletes_a_project(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "operator")
    # The home page's cards load after it: projects and recent backups for an operator.
    expect(page.get_by_test_id("card-projects")).to_be_visible()
    expect(page.get_by_test_id("card-backups")).to_be_visible()
    expect(
        page.get_by_test_id("notifications-indicator").get_by_test_id("unread-count")
    ).to_be_visible()
    shot(page, "home")

    page.goto(f"{base_url}/projects/")
    page.get_by_test_id("new-project").click()
    expect(page.get_by_role("heading", name="New project", level=1)).to_be_visible()
    runtime = page.get_by_label("Runtime")
    expect(runtime.locator("option[value='php-8.1']")).to_have_count(0)  # deprecated
    expect(page.get_by_text("Deprecated runtimes are not offered")).to_be_visible()

    # Agiler refuses an upper-case name: its message lands on the name field.
    page.get_by_label("Name").fill("E2E Site")
    page.get_by_label("Region").select_option("eu-west-1")
    runtime.select_option("php-8.3")
    page.get_by_test_id("create-project").click()
    expect(page.locator("#project-form")).to_contain_text("lower-case letters")
    page.wait_for_timeout(300)  # htmx's settle fades the request indicator out
    shot(page, "create-field-error")

    page.get_by_label("Name").fill("e2e-site")
    page.get_by_test_id("create-project").click()
    expect(page.get_by_role("heading", name="e2e-site", level=1)).to_be_visible()
    expect(page.get_by_test_id("project-details")).to_contain_text("eu-west-1")
    shot(page, "created")

    page.get_by_test_id("project-settings").click()
    expect(page.get_by_text("cannot be changed")).to_be_visible()
    page.get_by_label("Name").fill("e2e-site-renamed")
    page.get_by_test_id("save-project").click()
    expect(page.get_by_role("heading", name="e2e-site-renamed", level=1)).to_be_visible()
    shot(page, "renamed")

    page.get_by_test_id("toggle-active").click()
    expect(page.get_by_test_id("toggle-active")).to_have_text("Activate")
    expect(page.get_by_test_id("project-details")).to_contain_text("Stopped")
    shot(page, "deactivated")

    page.get_by_test_id("delete-project").click()
    dialog = page.get_by_test_id("delete-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("confirm-object")).to_contain_text("e2e-site-renamed")
    dialog.get_by_label("Type the project's name to confirm").fill("e2e-site")
    dialog.get_by_test_id("confirm-submit").click()
    expect(dialog).to_contain_text("exactly")
    page.wait_for_timeout(300)
    shot(page, "delete-confirm")
    dialog.get_by_label("Type the project's name to confirm").fill("e2e-site-renamed")
    dialog.get_by_test_id("confirm-submit").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    expect(page.get_by_test_id("project-row").filter(has_text="e2e-site-renamed")).to_have_count(0)
    shot(page, "deleted")


def test_operator_dismisses_a_notification(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "operator")
    badge = page.get_by_test_id("notifications-indicator").get_by_test_id("unread-count")
    expect(badge).to_be_visible()
    before = int(badge.inner_text())
    page.get_by_test_id("notifications-indicator").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    items = page.get_by_test_id("notification")
    expect(items).to_have_count(before)
    shot(page, "notifications")
    items.first.get_by_test_id("dismiss").click()
    expect(items).to_have_count(before - 1)
    expect(badge).to_have_text(str(before - 1))
    shot(page, "notification-dismissed")


def test_operator_filters_and_searches_the_project_list(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/")
    rows = page.get_by_test_id("project-row")
    expect(rows.first).to_be_visible()
    everything = rows.count()

    # A select filters at once (htmx swaps the table and the URL follows).
    page.get_by_label("Status").select_option("stopped")
    expect(page).to_have_url(re.compile(r"status=stopped"))
    expect(page.get_by_test_id("status-badge").filter(has_text="Running")).to_have_count(0)
    assert 0 < rows.count() < everything

    # Typing searches after a pause; nothing matching is said plainly, with a way back.
    page.get_by_label("Status").select_option("")
    page.get_by_label("Name").fill("globex")
    expect(page).to_have_url(re.compile(r"q=globex"))
    expect(rows.first).to_contain_text("globex")
    for name in rows.all_inner_texts():
        assert "globex" in name
    page.wait_for_timeout(300)
    shot(page, "project-search")
    page.get_by_label("Name").fill("no-such-site")
    expect(page.get_by_test_id("no-match")).to_contain_text("No project matches")
    page.wait_for_timeout(300)
    shot(page, "project-search-empty")
    page.get_by_test_id("no-match").get_by_role("link", name="Clear filters").click()
    expect(rows).to_have_count(min(everything, 25))


def test_back_after_a_filter_shows_the_whole_page_with_the_filtered_rows(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    """htmx pushed the filtered URL; Back (and Forward) ask the server for the page again as a
    history restore, which must answer the whole layout, not the table alone."""
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/")
    rows = page.get_by_test_id("project-row")
    expect(rows.first).to_be_visible()
    page.get_by_label("Status").select_option("stopped")
    expect(page).to_have_url(re.compile(r"status=stopped"))
    expect(page.get_by_test_id("status-badge").filter(has_text="Running")).to_have_count(0)
    stopped = rows.count()

    # A second filter pushes a second entry; Back pops it inside the same document, and htmx
    # (whose history cache is off) asks the server for the stopped-projects page again.
    page.get_by_label("Status").select_option("running")
    expect(page).to_have_url(re.compile(r"status=running"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/projects/\?.*status=stopped"))
    expect(page.locator("#portal-nav-menu")).to_be_attached()
    expect(page.get_by_role("link", name="Workspaces").first).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("stopped")
    expect(rows).to_have_count(stopped)
    expect(page.get_by_test_id("status-badge").filter(has_text="Running")).to_have_count(0)
    shot(page, "back-after-filter")

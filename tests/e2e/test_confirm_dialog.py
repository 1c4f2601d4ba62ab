"""The shared confirmation dialog works from the keyboard, without a page load."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import login, seeded_project


def test_escape_closes_the_dialog_and_returns_focus_to_its_opener(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    project_id, project_name = seeded_project(live_servers["sandbox"])
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/backups/")
    opener = page.get_by_test_id("backup-row").nth(1).get_by_role("link", name="Delete")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("confirm-object")).to_contain_text(project_name)
    # Focus moves into the dialog once it has settled, so the keyboard acts on it.
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('[role=dialog]') !== null",
        timeout=5_000,
    )
    shot(page, "dialog-open")
    url_before = page.url
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert page.url == url_before
    page.wait_for_function(
        "document.activeElement && document.activeElement.textContent.trim().startsWith('Delete')",
        timeout=5_000,
    )
    # The slot is still there: the dialog opens again, and Cancel closes it the same way.
    opener.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.get_by_role("dialog").get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

"""A bad day in Chromium: the operator takes a backup, edits the policy, downloads a dump,
restores with draining and watches the banner, deletes a backup; support takes a backup but
sees no restore/delete."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.helpers import OWNER, login, open_area, seeded_project


def test_operator_backs_up_downloads_restores_and_deletes(
    page: Page, base_url: str, live_servers: dict[str, str], shot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id, project_name = seeded_project(live_servers["sandbox"])
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    open_area(page, "Backups")
    expect(page.get_by_role("heading", name=f"Backups of {project_name}")).to_be_visible()
    expect(page.get_by_test_id("policy-summary")).to_contain_text("kept")
    shot(page, "list")

    # Take a backup: the row appears at once and polls until the sandbox finishes it (2 s).
    rows = page.get_by_test_id("backup-row")
    before = rows.count()
    page.get_by_test_id("take-backup").click()
    newest = rows.first
    expect(newest.get_by_test_id("backup-status")).to_have_text(
        re.compile("Waiting to start|In progress|Running")
    )
    expect(newest).to_contain_text("On demand")
    shot(page, "backup-running")
    expect(newest.get_by_test_id("backup-status")).to_have_text("Done", timeout=15_000)
    expect(newest).not_to_have_attribute("hx-trigger", re.compile("every"))
    expect(rows).to_have_count(min(before + 1, 25))
    shot(page, "backup-done")

    # Policy: a retention shorter than the frequency is refused on that field, then fixed.
    page.get_by_test_id("edit-policy").click()
    page.get_by_label("Take an automatic backup every (days)").fill("3")
    page.get_by_label("Keep each backup for (days)").fill("2")
    page.get_by_test_id("save-policy").click()
    expect(page.get_by_text("at least as long as the frequency")).to_be_visible()
    shot(page, "policy-error")
    page.get_by_label("Keep each backup for (days)").fill("21")
    page.get_by_test_id("save-policy").click()
    expect(page.get_by_test_id("policy-summary")).to_contain_text("every 3 days")
    expect(page.get_by_test_id("policy-summary")).to_contain_text("21 days")

    # Download the new backup's dump: the saved file is byte-for-byte the sandbox's.
    with page.expect_download() as info:
        newest.get_by_test_id("download-database").click()
    download = info.value
    assert re.fullmatch(
        rf"{re.escape(project_name)}-\d{{8}}-\d{{6}}-database\.sql\.gz", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    backup_id = (newest.get_attribute("id") or "").removeprefix("backup-")
    direct = httpx.get(
        f"{live_servers['sandbox']}/projects/{project_id}/backups/{backup_id}/database",
        headers=OWNER,
    )
    assert saved.read_bytes() == direct.content and len(direct.content) > 0

    # Restore with draining: the dialog names what is overwritten and wants the project's name.
    newest.get_by_test_id("restore-backup").click()
    dialog = page.get_by_test_id("restore-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("confirm-consequence")).to_contain_text("overwritten")
    dialog.get_by_label("Drain requests first").check()
    dialog.get_by_label("Type the project's name to confirm").fill("wrong-name")
    dialog.get_by_test_id("confirm-submit").click()
    expect(dialog).to_contain_text("Type the project's name exactly")
    shot(page, "restore-dialog")
    dialog.get_by_label("Type the project's name to confirm").fill(project_name)
    dialog.get_by_test_id("confirm-submit").click()

    expect(page).to_have_url(f"{base_url}/projects/{project_id}/")
    banner = page.get_by_test_id("restore-banner")
    expect(banner).to_have_attribute("data-state", "running")
    expect(banner).to_contain_text("A restore is in progress")
    shot(page, "restore-running")
    expect(banner).to_have_attribute("data-state", "finished", timeout=20_000)
    expect(banner).to_contain_text("Restore finished")
    expect(banner.get_by_test_id("restore-duration")).to_have_text(re.compile(r"\d+ s"))
    # The details beside the banner refresh too: no "Draining" under "Restore finished".
    expect(page.get_by_test_id("project-details")).not_to_contain_text("Draining")
    expect(page.get_by_test_id("project-details")).not_to_contain_text("Restoring")
    shot(page, "restore-finished")

    # The restore is in the history, with who and the outcome.
    banner.get_by_role("link", name="Restore history").click()
    history = page.get_by_test_id("history-row").first
    expect(history).to_contain_text("operator")
    expect(history).to_contain_text("drained requests first")
    expect(history).to_contain_text("Done")
    # The backup is named by its kind and time, not by an id.
    expect(history).to_contain_text(
        re.compile(r"(on-demand|automatic) backup of \d+ \w{3} \d{4}, \d\d:\d\d")
    )
    shot(page, "restore-history")

    # Delete a backup: the dialog names it; the row goes.
    page.goto(f"{base_url}/projects/{project_id}/backups/")
    victim = page.get_by_test_id("backup-row").nth(1)
    victim_id = victim.get_attribute("id")
    victim.get_by_test_id("delete-backup").click()
    dialog = page.get_by_test_id("delete-dialog")
    expect(dialog.get_by_test_id("confirm-object")).to_contain_text(project_name)
    shot(page, "delete-dialog")
    dialog.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text("deleted.")).to_be_visible()
    expect(page.locator(f"#{victim_id}")).to_have_count(0)
    shot(page, "deleted")


def test_support_sees_backups_without_restore_or_delete(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    project_id, _ = seeded_project(live_servers["sandbox"])
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/backups/")
    expect(page.get_by_test_id("backup-row").first).to_be_visible()
    expect(page.get_by_test_id("restore-backup")).to_have_count(0)
    expect(page.get_by_test_id("delete-backup")).to_have_count(0)
    expect(page.get_by_test_id("download-database")).to_have_count(0)
    expect(page.get_by_test_id("edit-policy")).to_have_count(0)
    # Support may take an on-demand backup: its role allows it and its demo token has the scope.
    expect(page.get_by_test_id("scope-reason")).to_have_count(0)
    rows = page.get_by_test_id("backup-row")
    page.get_by_test_id("take-backup").click()
    expect(rows.first).to_contain_text("On demand")
    expect(rows.first.get_by_test_id("backup-status")).to_have_text("Done", timeout=15_000)
    shot(page, "support-list")

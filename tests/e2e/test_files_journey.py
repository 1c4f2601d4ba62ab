"""Files in Chromium: the operator makes folders, uploads two files with progress (one with a
non-ASCII name, 5 MB of random bytes), meets "Replace?", previews, renames, copies, moves,
downloads the same bytes back and deletes the folder after confirming; on a phone it all fits;
support browses and downloads but has no change controls."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.helpers import login, open_area, seeded_project, sideways_overflow

PHONE = {"width": 390, "height": 844}
BIN_NAME = "Größe ü 日本.bin"
TEXT = "Quarterly notes\n<b>not bold</b>\nthird line ✓\n"


def _row(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="file-row"][data-name="{name}"]')


def _row_action(page: Page, name: str, action: str) -> None:
    row = _row(page, name)
    row.get_by_test_id("row-menu").click()
    row.get_by_test_id(action).click()


def test_operator_manages_files_end_to_end(
    page: Page, base_url: str, live_servers: dict[str, str], shot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id, project_name = seeded_project(live_servers["sandbox"])
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    open_area(page, "Files")
    expect(page.get_by_role("heading", name=f"Files of {project_name}")).to_be_visible()
    shot(page, "root")

    # A folder, and a folder inside it (names with spaces, # and Unicode).
    page.get_by_test_id("new-folder").click()
    dialog = page.get_by_test_id("file-dialog")
    dialog.get_by_label("Folder name").fill("Reports 2026")
    dialog.get_by_test_id("dialog-submit").click()
    expect(page.get_by_text("Folder “Reports 2026” created.")).to_be_visible()
    _row(page, "Reports 2026").get_by_test_id("file-link").click()
    expect(page).to_have_url(f"{base_url}/projects/{project_id}/files/Reports%202026/")
    page.get_by_test_id("new-folder").click()
    page.get_by_test_id("file-dialog").get_by_label("Folder name").fill("Q1 #ñ")
    page.get_by_test_id("file-dialog").get_by_test_id("dialog-submit").click()
    _row(page, "Q1 #ñ").get_by_test_id("file-link").click()
    expect(page).to_have_url(
        f"{base_url}/projects/{project_id}/files/Reports%202026/{quote('Q1 #ñ', safe='')}/"
    )

    # Two files at once through the picker: progress per file, both land.
    binary = os.urandom(5 * 1024 * 1024)
    (tmp_path / BIN_NAME).write_bytes(binary)
    (tmp_path / "notes.txt").write_text(TEXT, encoding="utf-8")
    page.locator("#upload-input").set_input_files([tmp_path / "notes.txt", tmp_path / BIN_NAME])
    items = page.get_by_test_id("upload-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-outcome", "success")
    expect(items.nth(1)).to_have_attribute("data-outcome", "success", timeout=20_000)
    expect(items.nth(1)).to_contain_text("5.0 MiB")
    assert items.nth(1).locator("progress").evaluate("el => el.value") == 100
    expect(_row(page, BIN_NAME)).to_be_visible()
    expect(_row(page, "notes.txt")).to_be_visible()
    shot(page, "uploaded")

    # The same name again: Agiler refuses (412) and the page asks before replacing.
    page.locator("#upload-input").set_input_files([tmp_path / "notes.txt"])
    third = items.nth(2)
    expect(third).to_have_attribute("data-outcome", "warning")
    expect(third).to_contain_text("already exists")
    shot(page, "replace-question")
    third.get_by_role("button", name="Replace notes.txt").click()
    expect(third).to_have_attribute("data-outcome", "success")

    # Dropping a file onto the list uploads it too.
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(["dropped"], "dropped ü.txt", {type: "text/plain"}));
          const list = document.querySelector("#file-list");
          for (const type of ["dragenter", "dragover", "drop"]) {
            const init = {bubbles: true, cancelable: true, dataTransfer: data};
            list.dispatchEvent(new DragEvent(type, init));
          }
        }"""
    )
    expect(_row(page, "dropped ü.txt")).to_be_visible()
    _row_action(page, "dropped ü.txt", "delete-file")
    page.get_by_test_id("delete-dialog").get_by_test_id("confirm-submit").click()
    expect(_row(page, "dropped ü.txt")).to_have_count(0)

    # The 5 MB binary with a non-ASCII name in a nested folder comes back byte for byte.
    with page.expect_download() as info:
        _row(page, BIN_NAME).get_by_test_id("download-file").click()
    assert info.value.suggested_filename == BIN_NAME
    saved = tmp_path / "back.bin"
    info.value.save_as(saved)
    assert saved.read_bytes() == binary

    # Preview the text file: escaped, numbered.
    _row(page, "notes.txt").get_by_test_id("file-link").click()
    preview = page.get_by_test_id("text-preview")
    expect(preview).to_contain_text("<b>not bold</b>")
    expect(preview.locator(".files-line")).to_have_count(3)
    shot(page, "preview")
    page.get_by_test_id("back-to-folder").click()

    # Rename it (a name with % and +), copy it, then move the renamed one up into "Reports 2026".
    _row_action(page, "notes.txt", "move-file")
    dialog = page.get_by_test_id("file-dialog")
    dialog.get_by_label("Name", exact=True).fill("notes 50% + more.txt")
    dialog.get_by_test_id("dialog-submit").click()
    expect(page.get_by_text("Moved the file")).to_be_visible()
    expect(_row(page, "notes 50% + more.txt")).to_be_visible()
    _row_action(page, "notes 50% + more.txt", "copy-file")
    dialog = page.get_by_test_id("file-dialog")
    dialog.get_by_label("Name", exact=True).fill("notes copy.txt")
    dialog.get_by_test_id("dialog-submit").click()
    expect(_row(page, "notes copy.txt")).to_be_visible()
    expect(_row(page, "notes 50% + more.txt")).to_be_visible()
    _row_action(page, "notes 50% + more.txt", "move-file")
    dialog = page.get_by_test_id("file-dialog")
    dialog.get_by_label("Reports 2026").check()
    expect(dialog.get_by_label("Into folder")).to_have_value("/Reports 2026")
    shot(page, "move-dialog")
    dialog.get_by_test_id("dialog-submit").click()
    expect(page).to_have_url(f"{base_url}/projects/{project_id}/files/Reports%202026/")
    moved = _row(page, "notes 50% + more.txt")
    expect(moved).to_be_visible()
    with page.expect_download() as info:
        moved.get_by_test_id("download-file").click()
    assert info.value.suggested_filename == "notes 50% + more.txt"
    info.value.save_as(tmp_path / "notes-back.txt")
    assert (tmp_path / "notes-back.txt").read_text(encoding="utf-8") == TEXT

    # Sorting by size is a link: the URL says so, Back returns.
    page.get_by_test_id("sort-size").click()
    expect(page).to_have_url(re.compile(r"\?sort=size&order=desc$"))

    # On a phone the listing and the preview fit the width.
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/projects/{project_id}/files/Reports%202026/{quote('Q1 #ñ', safe='')}/")
    expect(_row(page, BIN_NAME)).to_be_visible()
    assert sideways_overflow(page) == 0
    shot(page, "phone-listing")
    _row(page, "notes copy.txt").get_by_test_id("file-link").click()
    expect(page.get_by_test_id("text-preview")).to_be_visible()
    assert sideways_overflow(page) == 0
    shot(page, "phone-preview")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Delete the whole folder after confirming: the dialog counts what goes with it.
    page.goto(f"{base_url}/projects/{project_id}/files/")
    _row_action(page, "Reports 2026", "delete-file")
    confirm = page.get_by_test_id("delete-dialog")
    expect(confirm.get_by_test_id("confirm-object")).to_have_text("/Reports 2026")
    expect(confirm.get_by_test_id("confirm-consequence")).to_contain_text("4 entries")
    shot(page, "delete-dialog")
    confirm.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text("Deleted the folder /Reports 2026.")).to_be_visible()
    expect(_row(page, "Reports 2026")).to_have_count(0)
    shot(page, "deleted")


def test_support_browses_and_downloads_without_change_controls(
    page: Page, base_url: str, live_servers: dict[str, str], shot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id, _ = seeded_project(live_servers["sandbox"])
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/files/")
    expect(_row(page, "robots.txt")).to_be_visible()
    expect(page.get_by_test_id("new-folder")).to_have_count(0)
    expect(page.get_by_test_id("row-menu")).to_have_count(0)
    expect(page.locator("[data-upload-zone]")).to_have_count(0)
    with page.expect_download() as info:
        _row(page, "robots.txt").get_by_test_id("download-file").click()
    info.value.save_as(tmp_path / "robots.txt")
    assert (tmp_path / "robots.txt").read_bytes().startswith(b"User-agent")
    _row(page, "wp-content").get_by_test_id("file-link").click()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("wp-content")
    shot(page, "support-folder")

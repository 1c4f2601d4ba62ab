"""The SQL console in Chromium: the operator selects and pages rows, exports CSV, runs an UPDATE
after confirming write mode, cancels a slow statement; support and finance have no SQL."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers import ARTIFACTS, login, open_area, seeded_project

PHONE = {"width": 390, "height": 844}


def test_operator_selects_pages_exports_writes_and_cancels(
    page: Page, base_url: str, live_servers: dict[str, str], shot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id, project_name = seeded_project(live_servers["sandbox"])
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    open_area(page, "SQL")
    expect(page.get_by_role("heading", name=f"SQL console · {project_name}")).to_be_visible()
    expect(page.get_by_test_id("read-only")).to_be_checked()
    expect(page.get_by_test_id("history-row")).to_have_count(3)
    shot(page, "console")

    # Type a select (Tab indents inside the editor) and run it with Ctrl+Enter.
    editor = page.get_by_label("SQL statement")
    editor.click()
    editor.press_sequentially("select ID as id, post_title")
    editor.press("Enter")
    editor.press("Tab")
    editor.press_sequentially("from wp_posts")
    expect(editor).to_have_value("select ID as id, post_title\n  from wp_posts")
    editor.press("Control+Enter")
    result = page.get_by_test_id("sql-result")
    expect(result.get_by_test_id("result-status")).to_have_text("Done", timeout=15_000)
    table = result.get_by_test_id("result-table")
    expect(table.locator("thead th")).to_have_text(["Row#", "id", "post_title"])
    expect(table.locator("tbody tr")).to_have_count(100)
    expect(result.get_by_test_id("row-count")).to_have_text("137")
    expect(page.get_by_test_id("history-row")).to_have_count(4)
    expect(page.get_by_test_id("history-row").first).to_contain_text("operator")
    shot(page, "select-done")

    # Page the rows: the second page holds rows 101–137.
    result.get_by_test_id("next-page").click()
    expect(table.locator("tbody tr")).to_have_count(37)
    expect(result).to_contain_text("rows 101–137 of 137")
    expect(page).to_have_url(re.compile(r"/sql/[^/]+/\?cursor="))
    shot(page, "select-page-2")

    # Export: every row, across the row pages, in one CSV.
    with page.expect_download() as info:
        result.get_by_test_id("export-csv").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,post_title" and len(lines) == 138
    assert re.fullmatch(rf"{re.escape(project_name)}-sql-\d{{8}}-\d{{6}}\.csv", saved.name)

    # A mistake is the database's message beside the statement, not an error page.
    editor.fill("SELEC * FROM wp_users")
    page.get_by_test_id("run").click()
    expect(result.get_by_test_id("result-error")).to_contain_text(
        "You have an error in your SQL syntax", timeout=15_000
    )
    shot(page, "select-error")

    # A write: turning read-only off asks first, naming the project; then rows affected.
    editor.fill("UPDATE wp_posts SET post_status = 'draft' WHERE post_type = 'page'")
    page.get_by_test_id("read-only").uncheck()
    page.get_by_test_id("run").click()
    dialog = page.get_by_test_id("write-dialog")
    expect(dialog).to_be_visible()
    # Cancel closes it on the page: the statement stays in the editor, nothing ran.
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(editor).to_have_value(re.compile("^UPDATE wp_posts"))
    page.get_by_test_id("run").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Change data in {project_name}?")
    expect(dialog.get_by_test_id("confirm-code")).to_contain_text("UPDATE wp_posts")
    shot(page, "write-confirm")
    dialog.get_by_test_id("confirm-submit").click()
    expect(dialog).to_be_hidden()
    expect(result.get_by_test_id("rows-affected")).to_have_text("2", timeout=15_000)
    expect(result.get_by_test_id("result-write")).to_have_text("2 rows changed.")
    shot(page, "write-done")

    # A slow statement is cancelled while it runs.
    editor.fill("SELECT SLEEP(30)")
    page.get_by_test_id("read-only").check()
    page.get_by_test_id("timeout").fill("60")
    page.get_by_test_id("run").click()
    expect(result.get_by_test_id("result-pending")).to_be_visible(timeout=15_000)
    shot(page, "slow-pending")
    result.get_by_test_id("cancel-statement").click()
    expect(result.get_by_test_id("result-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("history-row").first).to_contain_text("Cancelled")

    # On a phone: the result grid scrolls inside its own region; the history stacks.
    page.get_by_test_id("history-row").nth(1).get_by_test_id("history-open").click()
    expect(result.get_by_test_id("result-write")).to_be_visible()
    page.get_by_test_id("history-row").nth(3).get_by_test_id("history-open").click()
    expect(result.get_by_test_id("result-table")).to_be_visible()
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide at 390px"
    grid = result.get_by_role("region", name=re.compile("Result rows 1 to 100"))
    # A wide result scrolls inside this focusable region, never the page.
    expect(grid).to_have_attribute("tabindex", "0")
    shot(page, "phone")
    result.screenshot(path=str(ARTIFACTS / "sql-phone-result.png"))
    page.get_by_test_id("sql-history").screenshot(path=str(ARTIFACTS / "sql-phone-history.png"))


def test_support_and_finance_have_no_sql(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    project_id, _ = seeded_project(live_servers["sandbox"])
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/")
    areas = page.get_by_role("navigation", name="Project areas")
    expect(areas.get_by_role("link", name="Backups")).to_be_visible()
    expect(areas.get_by_role("link", name="SQL")).to_have_count(0)
    response = page.goto(f"{base_url}/projects/{project_id}/sql/")
    assert response is not None and response.status == 403
    shot(page, "support-403")
    page.context.clear_cookies()
    login(page, base_url, "finance")
    expect(page.get_by_role("link", name="SQL")).to_have_count(0)
    response = page.goto(f"{base_url}/projects/{project_id}/sql/")
    assert response is not None and response.status == 403

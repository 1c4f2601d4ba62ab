"""In Chromium: the operator pastes a .env (three variables, one sensitive), checks the preview,
applies it, edits one and removes one; support sees the names and no value; phone width fits."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers import login, open_area, seeded_project, sideways_overflow

PHONE = {"width": 390, "height": 844}
SECRET = "e2e-canary-secret-4f1b"
ENV = f"""# shop settings
export SHOP_CURRENCY=EUR
SHOP_MAIL_FROM="Shop <shop@example.com>"
SHOP_API_SECRET='{SECRET}'
"""


def _row(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="variable-row"][data-name="{name}"]')


def test_operator_pastes_an_env_edits_and_removes_support_sees_names_only(
    page: Page, base_url: str, live_servers: dict[str, str], shot, browser
) -> None:  # type: ignore[no-untyped-def]
    project_id, name = seeded_project(live_servers["sandbox"], 1)
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    open_area(page, "Variables")
    expect(page.get_by_role("heading", name=f"Variables of {name}")).to_be_visible()
    shot(page, "list")

    # Paste, preview (the secret is masked), apply.
    page.get_by_test_id("paste-env").click()
    page.get_by_label("Paste the contents of a .env file").fill(ENV)
    page.get_by_test_id("preview-paste").click()
    preview = page.get_by_test_id("preview-table")
    expect(preview.get_by_test_id("preview-row")).to_have_count(3)
    expect(page.locator('[data-name="SHOP_API_SECRET"][data-kind="add"]')).to_contain_text("••••")
    expect(page.get_by_label("SHOP_API_SECRET is sensitive")).to_be_checked()
    assert SECRET not in page.content()
    shot(page, "preview")
    page.get_by_test_id("apply-paste").click()
    expect(page.get_by_test_id("apply-summary")).to_have_text(
        "Applied: SHOP_CURRENCY, SHOP_MAIL_FROM, SHOP_API_SECRET."
    )
    shot(page, "applied")
    page.get_by_test_id("back-to-variables").click()
    expect(_row(page, "SHOP_CURRENCY")).to_contain_text("EUR")
    expect(_row(page, "SHOP_API_SECRET").get_by_test_id("sensitive-badge")).to_be_visible()
    expect(_row(page, "SHOP_API_SECRET")).to_contain_text("Hidden (write-only)")
    assert SECRET not in page.content()

    # Edit one: the name field upper-cases what is typed.
    _row(page, "SHOP_CURRENCY").get_by_test_id("edit-variable").click()
    page.get_by_label("Value").fill("CHF")
    shot(page, "edit")
    page.get_by_test_id("save-variable").click()
    expect(page.get_by_text("Variable SHOP_CURRENCY saved.")).to_be_visible()
    expect(_row(page, "SHOP_CURRENCY")).to_contain_text("CHF")

    # Remove one, through the shared confirmation.
    _row(page, "SHOP_MAIL_FROM").get_by_test_id("remove-variable").click()
    dialog = page.get_by_test_id("remove-dialog")
    expect(dialog.get_by_test_id("confirm-object")).to_contain_text("SHOP_MAIL_FROM")
    shot(page, "remove-dialog")
    dialog.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text("Variable SHOP_MAIL_FROM removed.")).to_be_visible()
    expect(_row(page, "SHOP_MAIL_FROM")).to_have_count(0)

    # Add one by hand: lower-case typing becomes upper-case.
    page.get_by_test_id("add-variable").click()
    page.get_by_label("Name").press_sequentially("shop_tax")
    expect(page.get_by_label("Name")).to_have_value("SHOP_TAX")
    page.get_by_label("Value").fill("8.1")
    page.get_by_test_id("save-variable").click()
    expect(_row(page, "SHOP_TAX")).to_contain_text("8.1")

    page.set_viewport_size(PHONE)
    page.reload()
    assert sideways_overflow(page) == 0, "the variables list must fit a phone's width"
    shot(page, "phone-list")

    # Support: names and badges, no value anywhere in the page.
    other = browser.new_context(viewport=PHONE)
    support = other.new_page()
    login(support, base_url, "support")
    support.goto(f"{base_url}/projects/{project_id}/variables/")
    expect(_row(support, "SHOP_CURRENCY")).to_be_visible()
    expect(support.get_by_test_id("variable-value")).to_have_count(0)
    html = support.content()
    assert "CHF" not in html and SECRET not in html and "8.1" not in html
    shot(support, "support-phone")
    support.set_viewport_size({"width": 1280, "height": 900})
    shot(support, "support-desktop")
    other.close()

    # The real server's log and database never saw the secret (the sandbox holds it).
    workdir = Path(live_servers["workdir"])
    assert SECRET not in (workdir / "portal.log").read_text(errors="replace")
    for db_file in workdir.glob("portal.sqlite3*"):
        assert SECRET.encode() not in db_file.read_bytes()

"""The rule builder in Chromium: the operator builds a rule in all three groups (one statement on
a request header) with two actions ending in ``end``, saves, reloads, edits a value, tries it
against a sample request, moves it up by keyboard and to the top by drag and drop, and turns it
off; support opens the same builder read-only."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.helpers import OWNER, login, open_area, seeded_project

NAME = "Slow down bad bots on admin"


def _rules(sandbox: str, project_id: str) -> list[dict]:  # type: ignore[type-arg]
    return list(httpx.get(f"{sandbox}/projects/{project_id}/rules", headers=OWNER).json())


def settle(page: Page) -> None:
    """Wait until htmx has no request in flight and nothing still swapping or settling (a changed
    select re-renders its row; a row added a moment ago is wired up only once it has settled)."""
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def pick(page: Page, select, value: str) -> None:  # type: ignore[no-untyped-def]
    """Choose an option, then let the row come back from the server."""
    select.select_option(value)
    settle(page)


def _names(page: Page) -> list[str]:
    return page.get_by_test_id("rule-name").all_inner_texts()


def test_operator_builds_tests_reorders_and_toggles_a_rule(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    sandbox = live_servers["sandbox"]
    project_id = seeded_project(sandbox)[0]
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    open_area(page, "Rules")
    expect(page.get_by_test_id("rule-row").first).to_be_visible()
    shot(page, "list")

    # --- build -----------------------------------------------------------------------------
    page.get_by_test_id("new-rule").click()
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Priority").fill("50")
    all_group = page.get_by_test_id("group-all")
    # From scratch the rule is empty: every statement and action is one the person adds.
    expect(all_group.get_by_test_id("condition-row")).to_have_count(0)
    expect(page.get_by_test_id("action-row")).to_have_count(0)
    all_group.get_by_test_id("add-all").click()
    settle(page)
    first = all_group.get_by_test_id("condition-row").first
    pick(page, first.get_by_test_id("fact"), "request.method")
    pick(page, first.get_by_test_id("operator"), "eq")
    first.get_by_test_id("value").select_option("POST")

    all_group.get_by_test_id("add-all").click()
    settle(page)
    header = all_group.get_by_test_id("condition-row").nth(1)
    pick(page, header.get_by_test_id("fact"), "request.header.*")
    expect(header.get_by_test_id("sub")).to_be_visible()
    header.get_by_test_id("sub").fill("user-agent")
    pick(page, header.get_by_test_id("operator"), "contains")
    header.get_by_test_id("value").fill("BadBot")

    any_group = page.get_by_test_id("group-any")
    any_group.get_by_test_id("add-any").click()
    settle(page)
    path_row = any_group.get_by_test_id("condition-row").first
    pick(page, path_row.get_by_test_id("fact"), "request.path")
    expect(path_row.get_by_test_id("value")).to_have_attribute("type", "text")
    pick(page, path_row.get_by_test_id("operator"), "prefix")
    path_row.get_by_test_id("value").fill("/wp-admin")

    not_group = page.get_by_test_id("group-not")
    not_group.get_by_test_id("add-not").click()
    settle(page)
    country = not_group.get_by_test_id("condition-row").first
    pick(page, country.get_by_test_id("fact"), "request.country")
    country.get_by_test_id("value").select_option("DE")

    actions = page.get_by_test_id("action-row")
    page.get_by_test_id("add-action").click()
    settle(page)
    pick(page, actions.first.get_by_test_id("action"), "set response.status")
    actions.first.get_by_test_id("value").select_option("429")
    page.get_by_test_id("add-action").click()
    settle(page)
    expect(actions).to_have_count(2)
    pick(page, actions.nth(1).get_by_test_id("action"), "end")
    expect(actions.nth(1)).to_contain_text("Takes no value")
    expect(actions.nth(1).get_by_test_id("action")).to_contain_text("Stop evaluating further rules")

    preview = page.get_by_test_id("rule-json")
    expect(preview).to_contain_text('"request.header.user-agent"')
    expect(preview).to_contain_text('"operator": "end"')
    expect(page.get_by_test_id("preview-status")).not_to_contain_text("refuse")
    shot(page, "builder")
    page.get_by_test_id("save-rule").click()

    expect(page.get_by_text(f"Rule “{NAME}” created.")).to_be_visible()
    saved = next(r for r in _rules(sandbox, project_id) if r["name"] == NAME)
    assert saved["conditions"]["all"][1] == {
        "fact": "request.header.user-agent",
        "operator": "contains",
        "value": "BadBot",
    }
    assert set(saved["conditions"]) == {"all", "any", "not"}
    assert saved["actions"] == [
        {"operator": "set", "fact": "response.status", "value": "429"},
        {"operator": "end"},
    ]
    row = page.locator(f"#rule-{saved['id']}")
    expect(row.get_by_test_id("rule-summary")).to_contain_text("header user-agent contains BadBot")

    # --- reload, edit a value, try it ---------------------------------------------------------
    page.reload()
    row.get_by_test_id("rule-name").click()
    header = page.get_by_test_id("group-all").get_by_test_id("condition-row").nth(1)
    expect(header.get_by_test_id("sub")).to_have_value("user-agent")
    header.get_by_test_id("value").fill("EvilBot")
    expect(page.get_by_test_id("rule-json")).to_contain_text('"EvilBot"')

    page.get_by_label("Method").select_option("POST")
    page.get_by_label("Path").fill("/wp-admin/admin-ajax.php")
    page.get_by_label("Country").fill("US")
    page.get_by_label("Headers").fill("User-Agent: EvilBot/2.0")
    page.get_by_test_id("try-rule").click()
    result = page.get_by_test_id("try-result")
    expect(result.get_by_test_id("try-verdict")).to_have_text("The rule matches this request.")
    expect(result.get_by_test_id("try-actions")).to_contain_text("set response.status = 429")
    expect(result.get_by_test_id("try-statement")).to_have_count(4)
    shot(page, "try-match")
    page.get_by_label("Country").fill("DE")
    page.get_by_test_id("try-rule").click()
    expect(result.get_by_test_id("try-verdict")).to_have_text(
        "The rule does not match this request."
    )
    expect(result.locator('[data-result="match"]')).to_have_count(4)
    page.get_by_test_id("save-rule").click()
    expect(page.get_by_text(f"Rule “{NAME}” saved.")).to_be_visible()
    expect(row.get_by_test_id("rule-summary")).to_contain_text("EvilBot")

    # --- reorder by keyboard: one place up ----------------------------------------------------
    names = _names(page)
    assert names[-1] == NAME
    row.get_by_test_id("move-up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("reorder-report")).to_contain_text("New order saved")
    assert _names(page)[-2] == NAME
    expect(page.locator(f"#rule-{saved['id']}").get_by_test_id("move-up")).to_be_focused()
    shot(page, "moved-by-keyboard")
    # Back down to the bottom: focus stays on the same arrow, now inert at the end of the list,
    # so a second Enter does not move the rule anywhere (it used to jump to the other arrow).
    page.locator(f"#rule-{saved['id']}").get_by_test_id("move-down").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("rule-name").last).to_have_text(NAME)
    down = page.locator(f"#rule-{saved['id']}").get_by_test_id("move-down")
    expect(down).to_be_focused()
    expect(down).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert _names(page)[-1] == NAME

    # --- reorder by drag and drop: to the top -------------------------------------------------
    handle = page.locator(f"#rule-{saved['id']}").get_by_test_id("drag-handle")
    top = page.get_by_test_id("rule-row").first
    handle.hover()
    page.mouse.down()
    box = top.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 4, steps=12)
    page.mouse.move(box["x"] + 20, box["y"] + 2, steps=4)
    # The keyboard move's "New order saved" is still on screen: wait for this move's own answer.
    with page.expect_response(lambda r: r.url.endswith("/rules/reorder/")):
        page.mouse.up()
    expect(page.get_by_test_id("reorder-report")).to_contain_text("New order saved")
    expect(page.get_by_test_id("rule-name").first).to_have_text(NAME)
    assert _rules(sandbox, project_id)[0]["name"] == NAME
    shot(page, "moved-by-drag")

    # --- toggle off ---------------------------------------------------------------------------
    row = page.locator(f"#rule-{saved['id']}")
    row.get_by_test_id("rule-active").uncheck()
    expect(page.locator(f"#rule-{saved['id']}")).to_have_attribute("data-active", "false")
    assert next(r for r in _rules(sandbox, project_id) if r["id"] == saved["id"])["active"] is False
    shot(page, "toggled-off")


def test_support_opens_the_builder_read_only(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    sandbox = live_servers["sandbox"]
    project_id = seeded_project(sandbox)[0]
    rule = _rules(sandbox, project_id)[0]
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/rules/")
    expect(page.get_by_test_id("new-rule")).to_have_count(0)
    expect(page.get_by_test_id("rule-active")).to_have_count(0)
    page.locator(f"#rule-{rule['id']}").get_by_test_id("rule-name").click()
    expect(page.get_by_test_id("readonly-notice")).to_be_visible()
    expect(page.get_by_test_id("save-rule")).to_have_count(0)
    expect(page.get_by_test_id("fact").first).to_be_disabled()
    expect(page.get_by_test_id("add-all")).to_have_count(0)
    # Testing is reading: support may try the saved rule against a sample.
    page.get_by_test_id("try-rule").click()
    expect(page.get_by_test_id("try-verdict")).to_be_visible()
    shot(page, "support-read-only")

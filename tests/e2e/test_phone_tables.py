"""On a phone (390 px) every list table stacks into cards: nothing overflows its card and no
column is reachable only by scrolling sideways. Screenshots of each role's main pages, desktop
and phone, go to tests/e2e/artifacts/ for people to look at."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Page

from tests.e2e.pages import sample_ids
from tests.helpers import login

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: each role's main pages: (name, path template); {project}, {workspace} from the sandbox
MAIN_PAGES = {
    "admin": [
        ("home", "/"),
        ("people", "/accounts/people/"),
        ("audit", "/audit/"),
        ("members", "/workspaces/{workspace}/"),
        ("transactions", "/billing/transactions/"),
    ],
    "operator": [
        ("home", "/"),
        ("projects", "/projects/"),
        ("project", "/projects/{project}/"),
        ("backups", "/projects/{project}/backups/"),
        ("restores", "/projects/{project}/backups/restores/"),
        ("rules", "/projects/{project}/rules/"),
        ("notifications", "/notifications/"),
        ("domains", "/projects/{project}/domains/"),
        ("variables", "/projects/{project}/variables/"),
        ("files", "/projects/{project}/files/"),
        ("sql", "/projects/{project}/sql/"),
        ("sql-result", "/projects/{project}/sql/{statement}/"),
    ],
    "finance": [
        ("home", "/"),
        ("billing", "/billing/"),
        ("transactions", "/billing/transactions/"),
        ("transactions-one-month", "/billing/transactions/?year={year}&month={month}"),
        ("statements", "/billing/statements/"),
        ("audit", "/audit/"),
        ("usage", "/projects/{project}/usage/"),
    ],
    "support": [
        ("home", "/"),
        ("backups", "/projects/{project}/backups/"),
        ("members", "/workspaces/{workspace}/"),
        ("workspaces", "/workspaces/"),
        ("token", "/accounts/token/"),
        ("logs", "/projects/{project}/logs/"),
    ],
}

#: A code-like grid (SQL results, usage numbers) may scroll sideways, but only inside its own
#: labelled, focusable region (role="region" with a name and tabindex); every list table stacks.
OVERFLOWING_TABLES = """() => Array.from(document.querySelectorAll('main table')).filter(t => {
    const region = t.closest('[role=region][aria-label][tabindex]');
    if (region) { return region.getBoundingClientRect().right > window.innerWidth + 1; }
    const box = t.parentElement.getBoundingClientRect();
    return t.scrollWidth > t.parentElement.clientWidth + 1
        || box.right > window.innerWidth + 1;
}).map(t => t.dataset.testid || t.outerHTML.slice(0, 80))"""


def test_on_a_phone_no_list_table_overflows_and_each_role_main_pages_are_photographed(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    ids = sample_ids(live_servers["sandbox"])
    today = datetime.now(UTC)
    ids |= {"year": str(today.year), "month": str(today.month)}
    problems = []
    tables_seen = 0
    for role, pages in MAIN_PAGES.items():
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        login(page, base_url, role)
        page.wait_for_url(f"{base_url}/")
        for name, template in pages:
            url = base_url + template.format(**ids)
            page.set_viewport_size(DESKTOP)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            shot(page, f"{role}-{name}-desktop")
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(100)
            tables_seen += page.locator("main table").count()
            overflowing = page.evaluate(OVERFLOWING_TABLES)
            if overflowing:
                problems.append(f"{role} {name}: {overflowing}")
            wide = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if wide > 0:
                problems.append(f"{role} {name}: the page is {wide} px wider than the phone")
            shot(page, f"{role}-{name}-phone")
    assert tables_seen > 10
    assert not problems, "\n".join(problems)

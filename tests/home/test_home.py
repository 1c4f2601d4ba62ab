"""The home page: per role, the cards that person needs first; one failing card stays a card."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit import record
from tests.helpers import HTMX, client_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test import Client

    from agiler_sandbox import Sandbox
    from portal.accounts.models import User


def home(user: User) -> str:
    """The home page's cards, as its placeholder fetches them (same URL, htmx)."""
    client = client_for(user)
    page = client.get(reverse("core:home"))
    assert page.status_code == 200 and "<html" in page.content.decode()
    response = client.get(reverse("core:home"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    return _with_lazy_backups(client, body)


LAZY_BACKUPS = '<div hx-get="/?card=backups"'


def _with_lazy_backups(client: Client, body: str) -> str:
    """Swap the deferred backups card's placeholder for what it fetches, as htmx does."""
    start = body.find(LAZY_BACKUPS)
    if start < 0:
        return body
    end = body.index("</section>", start)
    lazy = client.get("/?card=backups", **HTMX)
    assert lazy.status_code == 200 and "<html" not in lazy.content.decode()
    return body[:start] + lazy.content.decode() + "\n    " + body[end:]


def cards_in(body: str) -> set[str]:
    return {
        key
        for key in ("projects", "backups", "billing", "workspaces", "notifications", "audit")
        if f'data-testid="card-{key}"' in body
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("operator", {"projects", "backups"}),
        ("finance", {"billing"}),
        ("support", {"workspaces", "notifications"}),
        ("admin", {"projects", "backups", "billing", "workspaces", "notifications", "audit"}),
    ],
)
def test_each_role_gets_its_cards(
    tokened_cast: dict[str, User], role: str, expected: set[str]
) -> None:
    body = home(tokened_cast[role])
    assert cards_in(body) == expected
    assert 'data-testid="card-error"' not in body


def test_operator_sees_projects_and_their_recent_backups(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = home(tokened_cast["operator"])
    projects = body.split('data-testid="card-projects"')[1].split("</section>")[0]
    assert any(p.name in projects for p in sandbox.inspect.projects())
    backups = body.split('data-testid="card-backups"')[1].split("</section>")[0]
    assert "Done" in backups or "Failed" in backups
    assert "New project" in projects


def test_finance_sees_this_months_balance_and_the_latest_statement(
    tokened_cast: dict[str, User],
) -> None:
    body = home(tokened_cast["finance"])
    assert 'data-testid="home-balance"' in body and "$" in body
    assert 'data-testid="home-statement"' in body and "/billing/statements/" in body


def test_support_sees_workspaces_and_notifications(tokened_cast: dict[str, User]) -> None:
    body = home(tokened_cast["support"])
    assert "Acme Marketing" in body
    assert "PHP 8.1 is deprecated" in body  # one of support's seeded notifications


def test_admin_sees_recent_audit_events_as_sentences(tokened_cast: dict[str, User]) -> None:
    record(
        action="projects.update",
        actor=tokened_cast["operator"],
        target_type="project",
        target_id="p1",
        target_label="acme-blog",
        project_id="p1",
        project_name="acme-blog",
        summary={"name": "acme-blog"},
    )
    body = home(tokened_cast["admin"])
    audit = body.split('data-testid="card-audit"')[1].split("</section>")[0]
    # A sentence with the person and the project's name, the outcome in words, a recent time:
    # never the action code or the raw outcome.
    assert f"{tokened_cast['operator'].username} changed the settings of acme-blog" in audit
    assert "Done" in audit
    assert "projects.update" not in audit and "success" not in audit
    assert "data-relative" in audit and 'tabindex="0"' not in audit


def test_a_failing_card_shows_its_message_and_the_others_still_render(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_notifications", status=500))
    body = home(tokened_cast["support"])
    notifications = body.split('data-testid="card-notifications"')[1].split("</section>")[0]
    assert 'data-testid="card-error"' in notifications and "Agiler" in notifications
    assert "Acme Marketing" in body  # the workspaces card is unaffected


def test_rate_limited_card_is_a_card_message_not_a_429_page(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_projects", status=429, retry_after=30))
    body = home(tokened_cast["operator"])
    assert body.count('data-testid="card-error"') == 2  # projects, and backups that need them


def test_one_projects_backups_failing_does_not_hide_the_others(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    first = sandbox.inspect.first_project()
    sandbox.faults.add(FaultRule(path=rf"^/v1/projects/{first.id}/backups", status=503))
    body = home(tokened_cast["operator"])
    backups = body.split('data-testid="card-backups"')[1].split("</section>")[0]
    assert 'data-testid="card-error"' not in backups


def test_a_token_without_the_cards_scope_names_it_in_the_card(
    tokened_cast: dict[str, User], sandbox: Sandbox, give_token: Callable[[User, str], None]
) -> None:
    from agiler_sandbox.scopes import OWNER, TokenInfo

    sandbox.tokens["ak_domains_only"] = TokenInfo(
        "ak_domains_only", OWNER, ("projects.domains:read",)
    )
    operator = tokened_cast["operator"]
    give_token(operator, "ak_domains_only")
    body = home(operator)
    backups = body.split('data-testid="card-backups"')[1].split("</section>")[0]
    assert "projects.backups:read" in backups
    projects = body.split('data-testid="card-projects"')[1].split("</section>")[0]
    assert "projects:read" in projects


def test_no_token_is_a_clear_call_to_add_one(cast: dict[str, User]) -> None:
    body = client_for(cast["operator"]).get(reverse("core:home")).content.decode()
    assert 'data-testid="add-token"' in body and reverse("accounts:token") in body
    assert 'id="home-cards"' not in body  # nothing to load


def test_admin_without_token_still_gets_the_portals_own_audit_card(cast: dict[str, User]) -> None:
    page = client_for(cast["admin"]).get(reverse("core:home")).content.decode()
    assert 'data-testid="add-token"' in page and 'id="home-cards"' in page
    assert cards_in(home(cast["admin"])) == {"audit"}


def test_the_page_itself_asks_agiler_nothing(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    """The shell shows at once even when Agiler is down; the cards load after it."""
    sandbox.faults.add(FaultRule(path=r"^/v1/", status=503))
    page = client_for(tokened_cast["admin"]).get(reverse("core:home")).content.decode()
    assert 'hx-trigger="load"' in page and "Loading your overview" in page


def test_home_calls_agiler_concurrently(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    """Admin's four independent cards plus backups: about two round trips, not six."""
    admin = tokened_cast["admin"]
    client = client_for(admin)
    client.get(reverse("core:home"), **HTMX)  # scopes cached; warm
    sandbox.faults.add(FaultRule(path=r"^/v1/(projects|workspaces|users)", latency_ms=200))
    start = time.perf_counter()
    body = client.get(reverse("core:home"), **HTMX).content.decode()
    elapsed = time.perf_counter() - start
    assert 'data-testid="card-error"' not in body
    # sequential: projects, billing, workspaces, notifications, then 4 backup lists = 8 x 200 ms
    assert elapsed < 0.9, f"home took {elapsed:.2f}s"


def test_recent_backups_load_on_their_own_so_the_other_cards_wait_for_one_round_trip(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    """The backups card needs the project list and then a backup list per project: it fetches
    itself, and the cards request makes no backup call at all (a failing backup API cannot slow
    or break the other cards)."""
    sandbox.faults.add(FaultRule(path=r"^/v1/projects/[^/]+/backups", status=503))
    client = client_for(tokened_cast["operator"])
    cards = client.get(reverse("core:home"), **HTMX).content.decode()
    assert LAZY_BACKUPS in cards and "Loading recent backups" in cards
    assert 'data-testid="card-error"' not in cards
    lazy = client.get("/?card=backups", **HTMX).content.decode()
    assert 'data-testid="card-error"' in lazy


def test_the_backups_card_alone_is_refused_to_a_role_without_it(
    tokened_cast: dict[str, User],
) -> None:
    """Finance has no backups card: asking for it gets the ordinary cards, never backups."""
    body = client_for(tokened_cast["finance"]).get("/?card=backups", **HTMX).content.decode()
    assert 'data-testid="card-backups"' not in body and "Recent backups" not in body

"""Notifications: the list with priorities, the header indicator, dismissing one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, client_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from agiler_sandbox import Sandbox
    from portal.accounts.models import User


def owner_notifications(sandbox: Sandbox) -> list[dict[str, Any]]:
    return sandbox.inspect.notifications()


def dismiss_form(body: str) -> tuple[str, str]:
    match = re.search(
        r'action="(/notifications/[^"]+/dismiss/)".*?name="idempotency_key" value="([^"]+)"',
        body,
        re.S,
    )
    assert match
    return match.group(1), match.group(2)


def test_list_shows_every_notification_with_its_priority(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    response = client_for(tokened_cast["operator"]).get(reverse("notifications:list"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    items = owner_notifications(sandbox)
    assert body.count('data-testid="notification"') == len(items)
    assert "Budget at 80% last month" in body and ">Critical<" in body and ">Low<" in body
    assert "bg-red" in body  # critical stands out


def test_list_as_htmx_is_its_fragment(tokened_cast: dict[str, User]) -> None:
    body = client_for(tokened_cast["support"]).get(reverse("notifications:list"), **HTMX).content
    assert b'id="notifications-list"' in body and b"<html" not in body


def test_no_notifications_is_an_empty_state(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.inspect.clear_notifications()
    body = client_for(tokened_cast["admin"]).get(reverse("notifications:list")).content.decode()
    assert "No notifications" in body and "all caught up" in body


def test_dismiss_removes_it_upstream_and_is_audited(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["operator"])
    before = len(owner_notifications(sandbox))
    url, key = dismiss_form(client.get(reverse("notifications:list")).content.decode())
    response = client.post(url, {"idempotency_key": key}, **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert "notifications-changed" in response["HX-Trigger"]
    assert len(owner_notifications(sandbox)) == before - 1
    outcomes = AuditEvent.objects.filter(action="notifications.dismiss").values_list(
        "outcome", flat=True
    )
    assert sorted(outcomes) == ["intent", "success"]


def test_dismiss_without_htmx_goes_back_to_the_list(tokened_cast: dict[str, User]) -> None:
    client = client_for(tokened_cast["operator"])
    url, key = dismiss_form(client.get(reverse("notifications:list")).content.decode())
    response = client.post(url, {"idempotency_key": key})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")


def test_dismissing_one_already_gone_says_so_and_succeeds(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["operator"])
    url = reverse("notifications:dismiss", args=["ntf_000000000000"])
    response = client.post(url, {"idempotency_key": "k1"}, **HTMX)
    assert response.status_code == 200
    assert "already dismissed" in response["HX-Trigger"]


def test_token_without_write_scope_shows_dismiss_disabled_naming_it(
    tokened_cast: dict[str, User], give_token: Callable[[User, str], None]
) -> None:
    operator = tokened_cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    body = client_for(operator).get(reverse("notifications:list")).content.decode()
    assert 'data-testid="scope-gate"' in body and "notifications:write" in body
    assert 'data-testid="dismiss"' not in body


def test_upstream_refusing_dismiss_is_a_403_naming_the_scope(
    tokened_cast: dict[str, User], sandbox: Sandbox, give_token: Callable[[User, str], None]
) -> None:
    operator = tokened_cast["operator"]
    client = client_for(operator)
    url, key = dismiss_form(client.get(reverse("notifications:list")).content.decode())
    give_token(operator, "ak_sandbox_readonly")
    before = len(owner_notifications(sandbox))
    response = client.post(url, {"idempotency_key": key})
    assert response.status_code == 403 and "notifications:write" in response.content.decode()
    assert len(owner_notifications(sandbox)) == before


@pytest.mark.parametrize(("status", "shown"), [(429, 429), (500, 502)])
def test_upstream_failures_on_the_list_are_error_pages(
    tokened_cast: dict[str, User], sandbox: Sandbox, status: int, shown: int
) -> None:
    sandbox.faults.add(FaultRule(operation="list_notifications", status=status, retry_after=5))
    response = client_for(tokened_cast["operator"]).get(reverse("notifications:list"))
    assert response.status_code == shown


def test_indicator_shows_the_unread_count(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("notifications:indicator"), **HTMX)
        .content.decode()
    )
    assert "<html" not in body and 'id="notifications-indicator"' in body
    count = len(owner_notifications(sandbox))
    assert f'data-testid="unread-count">{count}<' in body


def test_indicator_count_is_cached_and_refreshed_after_a_dismiss(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["operator"])
    count = len(owner_notifications(sandbox))
    client.get(reverse("notifications:indicator"), **HTMX)
    # dismissed elsewhere: the cached count does not know yet
    sandbox.inspect.drop_last_notification()
    cached = client.get(reverse("notifications:indicator"), **HTMX).content.decode()
    assert f">{count}<" in cached
    url, key = dismiss_form(client.get(reverse("notifications:list")).content.decode())
    client.post(url, {"idempotency_key": key}, **HTMX)
    fresh = client.get(reverse("notifications:indicator"), **HTMX).content.decode()
    assert f">{count - 2}<" in fresh


def test_indicator_never_fails_when_agiler_does(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_notifications", status=503))
    response = client_for(tokened_cast["operator"]).get(reverse("notifications:indicator"), **HTMX)
    assert response.status_code == 200
    assert 'data-state="unavailable"' in response.content.decode()


def test_indicator_is_hidden_without_a_token(operator: User, sandbox: Sandbox) -> None:
    response = client_for(operator).get(reverse("notifications:indicator"), **HTMX)
    assert response.status_code == 200
    assert 'data-state="hidden"' in response.content.decode()


def test_every_page_loads_the_indicator_lazily(tokened_cast: dict[str, User]) -> None:
    body = client_for(tokened_cast["finance"]).get(reverse("core:home")).content.decode()
    assert f'hx-get="{reverse("notifications:indicator")}" hx-trigger="load"' in body


@pytest.mark.parametrize("role", ["admin", "operator", "finance", "support"])
def test_every_role_may_read_notifications(tokened_cast: dict[str, User], role: str) -> None:
    response = client_for(tokened_cast[role]).get(reverse("notifications:list"))
    assert response.status_code == 200

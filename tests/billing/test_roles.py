"""Billing is for finance and admin: everyone else gets 403 on every billing URL, before any
call to Agiler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for

THIS_MONTH = f"{datetime.now(UTC):%Y-%m}"
URLS = [
    reverse("billing:overview"),
    reverse("billing:transactions"),
    reverse("billing:transactions_export") + "?year=2026",
    reverse("billing:statements"),
    reverse("billing:statement_download", args=[THIS_MONTH]),
    reverse("billing:budget"),
    reverse("billing:payment_methods"),
]


@pytest.mark.parametrize("role", ["operator", "support"])
@pytest.mark.parametrize("url", URLS)
def test_other_roles_are_refused_every_billing_url(tokened_cast, sandbox, role, url) -> None:  # type: ignore[no-untyped-def]
    # Agiler would fail loudly if it were asked: the refusal must come first.
    sandbox.faults.add(FaultRule(path="/users/me/billing.*", status=500))
    client = client_for(tokened_cast[role])
    assert client.get(url).status_code == 403
    assert client.get(url, **HTMX).status_code == 403


@pytest.mark.parametrize("role", ["operator", "support"])
def test_other_roles_cannot_change_the_budget(tokened_cast, sandbox, role) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast[role]).post(
        reverse("billing:budget"), {"monthly_budget": "1.00", "idempotency_key": "k"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="billing.update").exists()


@pytest.mark.parametrize("role", ["admin", "finance"])
@pytest.mark.parametrize("url", URLS)
def test_finance_and_admin_open_every_billing_url(tokened_cast, role, url) -> None:  # type: ignore[no-untyped-def]
    assert client_for(tokened_cast[role]).get(url).status_code == 200


def test_billing_is_in_the_menu_only_for_finance_and_admin(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    for role, user in tokened_cast.items():
        home = client_for(user).get(reverse("core:home")).content.decode()
        has_link = f'href="{reverse("billing:overview")}"' in home
        assert has_link == (role in ("admin", "finance")), role

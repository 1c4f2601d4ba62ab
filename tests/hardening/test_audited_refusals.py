"""Actions that wrote no audit row now do (issue 15, item 8): role-denied requests, use of an
unreadable token, rotate_token_keys, and reads that failed upstream; plus the defaults of
item 10: CSP base-uri 'none', a strong audit key."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from portal.tokens.crypto import generate_key_entry
from portal.tokens.store import token_for, token_seed
from tests.helpers import client_for


def test_a_role_denied_post_is_audited(support) -> None:  # type: ignore[no-untyped-def]
    response = client_for(support).post("/billing/budget/", {"monthly_budget": "1"})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor_username == "sam" and event.outcome == "failure" and event.status == 403
    assert event.target_id == "/billing/budget/" and event.summary["needs"] == "billing.write"


def test_using_an_unreadable_token_is_audited(operator, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_TOKEN_KEYS = generate_key_entry("gone")
    token_seed(user=operator, token="ak_sandbox_owner")
    settings.PORTAL_TOKEN_KEYS = generate_key_entry("current")
    assert token_for(operator) is None
    event = AuditEvent.objects.get(action="tokens.unreadable")
    assert event.outcome == "failure" and event.target_label == "otto"


def test_rotating_the_token_keys_is_audited(cast, settings) -> None:  # type: ignore[no-untyped-def]
    old, new = generate_key_entry("old"), generate_key_entry("new")
    settings.PORTAL_TOKEN_KEYS = old
    token_seed(user=cast["admin"], token="ak_sandbox_owner")
    settings.PORTAL_TOKEN_KEYS = f"{new},{old}"
    call_command("rotate_token_keys", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="tokens.keys_rotated")
    assert event.outcome == "success" and event.summary["re_encrypted"] == 1


def test_a_read_that_failed_upstream_is_audited(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_workspaces", status=503))
    client_for(tokened_cast["support"]).get("/workspaces/")
    event = AuditEvent.objects.get(action="agiler.read_failed")
    assert event.outcome == "failure" and event.status == 503
    assert event.summary["operation"] == "list_workspaces"


def test_the_csp_forbids_base_elements(admin) -> None:  # type: ignore[no-untyped-def]
    response = client_for(admin).get("/")
    assert "base-uri 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("key", ["x", "a" * 64, "short-but-not-32"])
def test_a_weak_audit_key_stops_the_start(settings, key: str) -> None:  # type: ignore[no-untyped-def]
    from portal.audit.chain import require_key_in_production

    settings.PORTAL_AUDIT_HMAC_KEY = key
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        require_key_in_production()


def test_a_strong_audit_key_is_accepted(settings) -> None:  # type: ignore[no-untyped-def]
    import secrets

    from portal.audit.chain import require_key_in_production

    settings.PORTAL_AUDIT_HMAC_KEY = secrets.token_urlsafe(48)
    require_key_in_production()

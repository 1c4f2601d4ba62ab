"""Security events from sign-in, sign-out and failed sign-in; source IP rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.audit.services import client_ip
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_and_out_records_login_and_logout(operator: Any) -> None:
    client = Client(HTTP_USER_AGENT="Firefox/131", REMOTE_ADDR="203.0.113.9")
    response = client.post(reverse("accounts:login"), {"username": "otto", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    login, logout = AuditEvent.objects.order_by("id").filter(action__startswith="auth.")
    assert (login.action, login.actor_id, login.actor_username, login.actor_role) == (
        "auth.login",
        operator.pk,
        "otto",
        "operator",
    )
    assert (login.source_ip, login.user_agent) == ("203.0.113.9", "Firefox/131")
    assert logout.action == "auth.logout"


def test_a_failed_sign_in_records_the_username_but_never_the_password(operator: Any) -> None:
    Client().post(reverse("accounts:login"), {"username": "otto", "password": "wrong-guess-42"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.outcome, event.target_label, event.actor_id) == ("failure", "otto", None)
    for value in AuditEvent.objects.values_list("summary_json", "target_label", "error_message"):
        assert "wrong-guess-42" not in "".join(value)


def test_source_ip_is_remote_addr_unless_a_proxy_is_trusted() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1"
    )
    assert client_ip(request) == "10.0.0.2"
    with override_settings(PORTAL_TRUSTED_PROXY=True):
        # the right-most hop is the one our proxy appended; the rest the client could write
        assert client_ip(request) == "10.0.0.1"
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    with override_settings(PORTAL_TRUSTED_PROXY=True):
        assert client_ip(forged) == ""


def test_behind_a_cdn_and_a_load_balancer_the_client_is_the_second_hop_from_the_right() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 172.16.0.5"
    )
    with override_settings(PORTAL_TRUSTED_PROXY=True, PORTAL_TRUSTED_PROXY_HOPS=2):
        assert client_ip(request) == "198.51.100.7"
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="172.16.0.5")
    with override_settings(PORTAL_TRUSTED_PROXY=True, PORTAL_TRUSTED_PROXY_HOPS=2):
        assert client_ip(short) == "172.16.0.5"


@override_settings(PORTAL_TRUSTED_PROXY=True)
def test_a_spoofed_first_hop_is_neither_audited_nor_throttled(operator: Any) -> None:
    from axes.models import AccessAttempt

    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9").post(
        reverse("accounts:login"), {"username": "otto", "password": "wrong"}
    )
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.source_ip == "10.0.0.9"
    # the lockout counts the same address the audit log shows
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.9"]


def test_secret_looking_summary_fields_are_redacted_whoever_records_them(admin: Any) -> None:
    from portal.audit import record

    event = record(
        action="tokens.saved",
        actor=admin,
        summary={"token": "ak_live_abc", "nested": {"password": "pw"}, "name": "ok"},
    )
    assert event.summary == {
        "token": "[redacted]",
        "nested": {"password": "[redacted]"},
        "name": "ok",
    }
    assert "ak_live_abc" not in event.summary_json

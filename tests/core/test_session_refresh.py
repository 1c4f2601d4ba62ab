"""Idle sign-out without a session write on every page (SessionRefreshMiddleware)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from portal.accounts.models import User
from portal.core.middleware import SessionRefreshMiddleware
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> tuple[Client, Session]:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client, Session.objects.get(session_key=client.cookies["sessionid"].value)


def _age(session: Session, seconds: int) -> None:
    """Pretend the session was last refreshed ``seconds`` ago."""
    data = session.get_decoded()
    data[SessionRefreshMiddleware.KEY] -= seconds
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data),
        expire_date=session.expire_date - timedelta(seconds=seconds),
    )


def test_pages_in_quick_succession_do_not_rewrite_the_session(admin: User) -> None:
    client, session = _signed_in(admin)
    client.get("/accounts/token/")
    before = Session.objects.get(pk=session.pk).expire_date
    client.get("/accounts/token/")
    assert Session.objects.get(pk=session.pk).expire_date == before


def test_activity_after_a_minute_pushes_the_idle_expiry_forward(admin: User) -> None:
    client, session = _signed_in(admin)
    _age(session, 120)
    aged = Session.objects.get(pk=session.pk).expire_date
    assert client.get("/accounts/token/").status_code == 200
    refreshed = Session.objects.get(pk=session.pk).expire_date
    assert refreshed > aged + timedelta(seconds=100)
    assert refreshed > timezone.now() + timedelta(minutes=29)


def test_a_session_idle_for_longer_than_the_timeout_is_signed_out(admin: User) -> None:
    client, session = _signed_in(admin)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/accounts/token/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_visitor_without_a_session_gets_none_created() -> None:
    Client().get("/accounts/login/")
    Client(cookies={"sessionid": "no-such-session"}).get("/accounts/login/")
    assert not Session.objects.exists()

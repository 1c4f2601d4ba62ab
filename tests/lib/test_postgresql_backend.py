"""The PostgreSQL backend's health check: skipped for a connection that answered a moment ago,
done (and a broken connection replaced) after it has been idle."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.accounts.models import User
from portal.lib.postgresql import base

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the portal's PostgreSQL backend: PostgreSQL only"
)


def _new_request() -> None:
    """What Django does between requests (``close_old_connections`` on request_started)."""
    connection.close_if_unusable_or_obsolete()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per health check the connection runs from now on (it still runs: counted,
    not replaced), after a first query has opened the connection."""
    User.objects.count()
    found: list[bool] = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: found.append(True) or real())
    return found


@pytest.mark.django_db(transaction=True)
def test_a_connection_in_constant_use_is_not_asked_select_1_first(checks: list[bool]) -> None:
    assert connection.health_check_enabled is not False
    _new_request()
    User.objects.count()
    assert checks == []  # used a moment ago: no extra round trip
    connection._last_query_at -= base.TRUSTED_FOR  # idle for the window
    _new_request()
    User.objects.count()
    assert checks == [True]  # idle: checked as Django checks it


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_broke_while_idle_is_replaced_before_the_page_uses_it() -> None:
    User.objects.create_user("ida", password="x")
    connection.connection.close()  # the server went away while the connection sat idle
    connection._last_query_at -= base.TRUSTED_FOR
    _new_request()
    assert User.objects.filter(username="ida").exists()


@pytest.mark.django_db(transaction=True)
def test_the_operator_can_have_every_request_checked(checks: list[bool], settings: object) -> None:
    settings.PORTAL_DB_TRUSTED_SECONDS = 0  # type: ignore[attr-defined]
    _new_request()
    User.objects.count()
    assert checks == [True]

"""The canary: a stored token must appear nowhere but in the Authorization header."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from portal.accounts.models import AgilerToken, User
from portal.tokens.store import token_for
from tests.accounts.conftest import CANARY
from tests.conftest import HTMX, client_for
from tests.url_matrix import URL_RULES


def _database_bytes() -> bytes:
    """Every byte the database holds (the SQLite image, or every value of every table)."""
    raw = connection.connection
    if isinstance(raw, sqlite3.Connection):
        return raw.serialize()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row).encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def test_the_canary_token_leaks_nowhere(
    admin: User, cast, sandbox, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    client = client_for(admin)
    bodies: list[bytes] = []

    response = client.post("/accounts/token/", {"token": CANARY}, follow=True)
    bodies.append(response.content)
    assert token_for(admin) == CANARY
    # A refused paste of the canary with a typo must not echo it either.
    bodies.append(client.post("/accounts/token/", {"token": CANARY + "x"}).content)
    assert token_for(admin) == CANARY

    # Use it on every page, plain and htmx.
    for rule in URL_RULES:
        url = reverse(rule.name, kwargs=rule.kwargs)
        for extra in ({}, HTMX):
            response = client.get(url, **extra)
            if response.streaming:
                bodies.append(b"".join(response.streaming_content))  # type: ignore[arg-type]
            else:
                bodies.append(response.content)
    bodies.append(client.get("/accounts/token/").content)

    row = AgilerToken.objects.get(user=admin)
    texts = [repr(row), str(row), repr(AgilerToken.objects.all())]
    needle = CANARY.encode()
    assert not [b for b in bodies if needle in b], "the token appeared in a response body"
    assert CANARY not in caplog.text, "the token appeared in the logs"
    assert not [t for t in texts if CANARY in t], "the token appeared in a repr()"
    assert needle not in _database_bytes(), "the token is stored readable in the database"


def test_the_debug_error_page_hides_the_token(admin: User, sandbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The database write fails after the token was checked and encrypted, deep in token_save.
    def broken_save(self: AgilerToken, *args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AgilerToken, "save", broken_save)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    with override_settings(DEBUG=True, DEBUG_PROPAGATE_EXCEPTIONS=False):
        response = client.post("/accounts/token/", {"token": CANARY})
    assert response.status_code == 500
    assert b"disk full" in response.content  # it is Django's technical 500 page
    assert CANARY.encode() not in response.content

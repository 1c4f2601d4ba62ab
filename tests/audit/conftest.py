"""Audit fixtures: the in-process sandbox, an audited client, and a tamper helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.db import connection, transaction

from portal.agiler import AgilerClient, close_all


@pytest.fixture
def sandbox() -> Any:
    """A fresh sandbox with fault injection on and fast backups/restores."""
    from agiler_sandbox import create_app

    return create_app(seed=1, faults_enabled=True, backup_seconds=0.1, restore_seconds=0.1)


class SocketLikeTransport(httpx.WSGITransport):
    """The in-process sandbox, with a dropped connection surfacing as it would over a socket.

    Over real HTTP a dropped connection reaches the client as ``httpx.RemoteProtocolError``;
    in-process the sandbox raises its own ``ConnectionDropped``, translated here.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from agiler_sandbox.http import ConnectionDropped

        try:
            return super().handle_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None


@pytest.fixture
def make_client(sandbox: Any) -> Iterator[Callable[..., AgilerClient]]:
    """Build a client on the sandbox; ``observer=None`` for un-audited setup calls."""

    def build(observer: Any = None, **kwargs: Any) -> AgilerClient:
        options: dict[str, Any] = {
            "base_url": "http://sandbox.test/v1",
            "token": "ak_sandbox_owner",
            "transport": SocketLikeTransport(app=sandbox),
            "observer": observer,
            "max_retries": 0,
            "sleep": lambda _s: None,
        }
        options.update(kwargs)
        return AgilerClient(**options)

    yield build
    close_all()


@pytest.fixture
def audit_pruner(db: None) -> None:
    """Make this test's database role a member of ``portal_audit_pruner`` (PostgreSQL), as the
    maintenance login that runs ``prune_audit_log`` is; rolled back with the test. The
    application's own role is never a member (docs/audit.md)."""
    if connection.vendor != "postgresql":
        return
    from django.db.utils import DatabaseError

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                "'portal_audit_pruner') THEN CREATE ROLE portal_audit_pruner NOLOGIN; END IF; "
                "END $$"
            )
            cursor.execute("GRANT portal_audit_pruner TO CURRENT_USER")
    except DatabaseError as exc:
        pytest.skip(f"this database role cannot create or grant roles (CREATEROLE): {exc}")

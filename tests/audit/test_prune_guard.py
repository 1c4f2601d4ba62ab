"""Audit rows cannot be removed undetected (issue 15, item 2): the application's role cannot prune
on PostgreSQL, and signed checkpoints kept outside the database reveal a truncated tail."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.audit import record
from portal.audit.checkpoints import write_checkpoint
from portal.audit.models import AuditChainHead, AuditEvent
from tests.helpers import tamper

pytestmark = pytest.mark.django_db
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger and the pruner role exist on PostgreSQL only",
)


def _is_pruner() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_audit_pruner') "
            "AND pg_has_role(current_user, 'portal_audit_pruner', 'USAGE')"
        )
        return bool(cursor.fetchone()[0])


@ON_POSTGRES
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT set_config('portal.audit_prune', 'on', true); DELETE FROM audit_auditevent",
        "SELECT audit_prune_through(1000000)",
    ],
    ids=["set-local-then-delete", "prune-function"],
)
def test_the_applications_role_cannot_prune(admin: Any, sql: str) -> None:
    """The attack: any role could SET LOCAL portal.audit_prune='on' and delete."""
    record(action="auth.login", actor=admin)
    if _is_pruner():
        pytest.skip("this test database role is a superuser or a pruner member")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 1


@ON_POSTGRES
def test_a_member_of_the_pruner_role_can_prune(admin: Any, audit_pruner: None) -> None:
    record(action="auth.login", actor=admin)
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_prune_through(1000000)")
        assert cursor.fetchone()[0] == 1


def _verify(path: Path) -> str:
    out = StringIO()
    call_command("verify_audit_log", "--checkpoint", str(path), stdout=out)
    return out.getvalue()


def test_a_truncated_tail_is_reported_against_the_checkpoints(admin: Any, tmp_path: Path) -> None:
    """The attack: delete the newest rows and rewrite the head row; the chain still verifies."""
    file = tmp_path / "checkpoints.jsonl"
    events = [record(action="auth.login", actor=admin) for _ in range(5)]
    write_checkpoint(str(file))
    assert "no truncation" in _verify(file)

    tamper("DELETE FROM {table} WHERE id >= %s", [events[3].id])
    AuditChainHead.objects.filter(pk=1).update(last_id=events[2].id, last_hash=events[2].hash)
    out = StringIO()
    with pytest.raises(CommandError, match="disagrees"):
        call_command("verify_audit_log", "--checkpoint", str(file), stdout=out)
    assert "the chain is intact" in out.getvalue()  # the chain alone cannot see it
    assert "TRUNCATED: at" in out.getvalue() and f"#{events[4].id}" in out.getvalue()


def test_a_forged_checkpoint_line_is_reported(admin: Any, tmp_path: Path) -> None:
    file = tmp_path / "checkpoints.jsonl"
    record(action="auth.login", actor=admin)
    checkpoint = write_checkpoint(str(file))
    forged = {**checkpoint, "last_id": checkpoint["last_id"] + 99}
    file.write_text(file.read_text() + json.dumps(forged) + "\n")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_log", "--checkpoint", str(file), stdout=out)
    assert "not validly signed" in out.getvalue()


def test_checkpoints_go_to_the_log_stream_by_default(admin: Any, caplog: Any) -> None:
    record(action="auth.login", actor=admin)
    with caplog.at_level("INFO", logger="portal.audit.checkpoint"):
        call_command("audit_checkpoint", stdout=StringIO())
    line = next(r.getMessage() for r in caplog.records if "audit checkpoint" in r.getMessage())
    assert '"last_id":' in line and '"hmac":' in line


def test_every_prune_writes_a_checkpoint(admin: Any, settings: Any, tmp_path: Path) -> None:
    file = tmp_path / "checkpoints.jsonl"
    settings.PORTAL_AUDIT_CHECKPOINT = str(file)
    record(action="auth.login", actor=admin)
    call_command("prune_audit_log", "--older-than", "30", stdout=StringIO())
    assert file.read_text().count('"hmac"') == 1
    assert "no truncation" in _verify(file)

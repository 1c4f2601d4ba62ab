"""Integrity: append-only rows, a keyed hash chain that names the first tampered event."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from portal.audit import record
from portal.audit.chain import compute_hash, verify_chain
from portal.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from tests.helpers import tamper

pytestmark = pytest.mark.django_db


def _events(user: Any, n: int = 5) -> list[AuditEvent]:
    return [
        record(action="backups.restore", actor=user, target_type="backup", target_id=f"b-{i}")
        for i in range(n)
    ]


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit_log", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_each_event_links_to_the_previous_hash(admin: Any) -> None:
    first, second = _events(admin, 2)
    assert first.id + 1 == second.id
    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get().last_hash == second.hash


def test_an_intact_chain_verifies_and_reports_the_count(admin: Any) -> None:
    _events(admin, 5)
    code, output = _verify()
    assert code == 0
    assert "Verified 5 audit events" in output
    assert "intact" in output


def test_an_empty_log_verifies() -> None:
    assert _verify()[0] == 0


def test_editing_a_row_breaks_the_chain_at_that_event(admin: Any) -> None:
    events = _events(admin, 5)
    tamper("UPDATE {table} SET actor_username = 'mallory' WHERE id = %s", [events[2].id])
    code, output = _verify()
    assert code == 1
    assert f"broken at event #{events[2].id}" in output
    assert "Verified 2 audit events" in output


def test_deleting_a_row_in_the_middle_names_the_missing_event(admin: Any) -> None:
    events = _events(admin, 5)
    tamper("DELETE FROM {table} WHERE id = %s", [events[1].id])
    code, output = _verify()
    assert code == 1
    assert f"#{events[1].id}" in output


def test_deleting_the_newest_row_is_caught_by_the_chain_head(admin: Any) -> None:
    events = _events(admin, 3)
    tamper("DELETE FROM {table} WHERE id = %s", [events[-1].id])
    code, output = _verify()
    assert code == 1
    assert "chain head" in output


def test_deleting_the_oldest_rows_without_a_checkpoint_is_caught(admin: Any) -> None:
    events = _events(admin, 3)
    tamper("DELETE FROM {table} WHERE id = %s", [events[0].id])
    code, output = _verify()
    assert code == 1
    assert f"#{events[1].id}" in output


def test_reordering_two_rows_breaks_the_chain(admin: Any) -> None:
    a, b = _events(admin, 4)[1:3]
    # Swap the two events' content (ids stay: the order of the chain is the order of ids).
    tamper(
        "UPDATE {table} SET target_id = CASE id WHEN %s THEN %s ELSE %s END WHERE id IN (%s, %s)",
        [a.id, b.target_id, a.target_id, a.id, b.id],
    )
    code, output = _verify()
    assert code == 1
    assert f"broken at event #{a.id}" in output


def test_a_rewritten_row_with_a_recomputed_plain_sha256_still_fails(admin: Any) -> None:
    """Someone with database access but without the key cannot forge a matching hash."""
    import hashlib

    from portal.audit.chain import canonical_bytes

    event = _events(admin, 2)[0]
    event.outcome = "failure"
    forged = hashlib.sha256(canonical_bytes(event)).hexdigest()
    tamper("UPDATE {table} SET outcome = 'failure', hash = %s WHERE id = %s", [forged, event.id])
    assert _verify()[0] == 1


def test_the_hash_depends_on_the_configured_key(admin: Any) -> None:
    event = _events(admin, 1)[0]
    with override_settings(PORTAL_AUDIT_HMAC_KEY="another-key-entirely-0123456789"):
        assert compute_hash(event) != event.hash
        assert not verify_chain().ok


def test_the_model_refuses_updates_and_deletes(admin: Any) -> None:
    event = _events(admin, 1)[0]
    event.outcome = "failure"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(id=event.id).update(outcome="failure")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
@pytest.mark.parametrize(
    "sql",
    ["UPDATE {table} SET outcome = 'failure'", "DELETE FROM {table}"],
    ids=["update", "delete"],
)
def test_the_postgresql_trigger_blocks_update_and_delete(admin: Any, sql: str) -> None:
    _events(admin, 2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.replace("{table}", AuditEvent._meta.db_table))
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


def test_the_first_event_starts_from_the_genesis_hash(admin: Any) -> None:
    assert _events(admin, 1)[0].prev_hash == GENESIS_HASH

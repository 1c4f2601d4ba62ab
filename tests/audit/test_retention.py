"""Retention: pruning old events leaves a chain that still verifies, and is itself recorded."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from portal.audit import record
from portal.audit.chain import verify_chain
from portal.audit.models import AuditCheckpoint, AuditEvent
from tests.helpers import tamper

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("audit_pruner")]


def _age(event_ids: list[int], days: int) -> None:
    """Backdate events (test set-up only: there is no way to do this through the app)."""
    when = timezone.now() - timedelta(days=days)
    for event_id in event_ids:
        tamper("UPDATE {table} SET time = %s WHERE id = %s", [when, event_id])
    # Re-seal the backdated rows so the chain is valid again, as if they had been written then.
    from portal.audit.chain import compute_hash
    from portal.audit.models import AuditChainHead

    prev = None
    for event in AuditEvent.objects.order_by("id"):
        if prev is not None:
            event.prev_hash = prev
        event.hash = compute_hash(event)
        tamper(
            "UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.id],
        )
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def _prune(days: int) -> str:
    out = StringIO()
    call_command("prune_audit_log", "--older-than", str(days), stdout=out)
    return out.getvalue()


def test_pruning_removes_old_events_and_the_rest_still_verifies(admin: Any) -> None:
    events = [record(action="auth.login", actor=admin) for _ in range(6)]
    _age([e.id for e in events[:4]], days=400)

    output = _prune(365)

    assert "Pruned 4 audit events" in output
    remaining = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert remaining[:2] == [events[4].id, events[5].id]
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.through_id == events[3].id
    pruned = AuditEvent.objects.get(action="audit.pruned")
    assert pruned.summary["deleted"] == 4
    assert pruned.summary["through_hash"] == checkpoint.through_hash
    result = verify_chain()
    assert result.ok and result.verified == 3


def test_pruning_with_nothing_old_enough_is_still_recorded(admin: Any) -> None:
    record(action="auth.login", actor=admin)
    assert "No audit events older than 30 days" in _prune(30)
    assert AuditEvent.objects.filter(action="audit.pruned").count() == 1
    assert verify_chain().ok


def test_pruning_refuses_a_broken_chain(admin: Any) -> None:
    events = [record(action="auth.login", actor=admin) for _ in range(3)]
    tamper("UPDATE {table} SET action = 'auth.logout' WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match="refusing to prune"):
        _prune(1)
    assert AuditEvent.objects.count() == 3


def test_a_forged_checkpoint_does_not_hide_deleted_events(admin: Any) -> None:
    events = [record(action="auth.login", actor=admin) for _ in range(4)]
    # Delete the first two rows and plant a checkpoint, without the attesting chained event.
    tamper("DELETE FROM {table} WHERE id <= %s", [events[1].id])
    AuditCheckpoint.objects.create(through_id=events[1].id, through_hash=events[1].hash)
    result = verify_chain()
    assert not result.ok
    assert "not attested" in result.reason

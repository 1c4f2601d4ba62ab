"""Retention: delete the oldest events, leaving a checkpoint the remaining chain verifies from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from portal.audit.actions import Action
from portal.audit.chain import verify_chain
from portal.audit.checkpoints import write_checkpoint
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.services import lock_head, record_event


class PruneRefused(Exception):
    """The chain does not verify: pruning would destroy the evidence of tampering."""


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    through_id: int
    through_hash: str
    event_id: int


def prune_events(*, before: datetime, older_than_days: int) -> PruneResult:
    """Delete the contiguous run of oldest events whose time is before ``before``.

    The cut, a checkpoint and the ``audit.pruned`` event that attests it are one transaction,
    with the chain head locked so no event is appended in between.
    """
    check = verify_chain()
    if not check.ok:
        raise PruneRefused(
            f"The audit chain is broken at event #{check.broken_at} ({check.reason}); "
            "refusing to prune. Investigate with verify_audit_log first."
        )
    with transaction.atomic():
        lock_head()
        first_kept = (
            AuditEvent.objects.filter(time__gte=before).order_by("id").values_list("id", flat=True)
        ).first()
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        through_id = (first_kept - 1) if first_kept is not None else (last or 0)
        deleted = 0
        through_hash = ""
        if through_id and AuditEvent.objects.filter(id__lte=through_id).exists():
            through_hash = AuditEvent.objects.values_list("hash", flat=True).get(id=through_id)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The append-only trigger lets a DELETE through only for a member of the
                    # maintenance role (docs/audit.md): the application's own role cannot.
                    cursor.execute("SELECT audit_prune_through(%s)", [through_id])
                    deleted = cursor.fetchone()[0]
                else:
                    cursor.execute(
                        f"DELETE FROM {AuditEvent._meta.db_table} WHERE id <= %s", [through_id]
                    )
                    deleted = cursor.rowcount
            AuditCheckpoint.objects.create(
                through_id=through_id, through_hash=through_hash, deleted=deleted
            )
        event = record_event(
            action=Action.AUDIT_PRUNED,
            actor=None,
            target_type="audit_log",
            target_label=f"events through #{through_id}" if deleted else "nothing to prune",
            summary={
                "older_than_days": older_than_days,
                "before": before.isoformat(),
                "deleted": deleted,
                "through_id": through_id if deleted else 0,
                "through_hash": through_hash,
            },
        )
    # Pin the pruned log's length outside the database (a prune is when truncation would hide).
    write_checkpoint()
    return PruneResult(deleted, through_id if deleted else 0, through_hash, event.id)

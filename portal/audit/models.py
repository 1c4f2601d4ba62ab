"""The audit log: append-only, hash-chained events.

Each :class:`AuditEvent` stores an HMAC-SHA256 of its canonical content (which includes the
previous event's hash), so editing, deleting or reordering a row breaks the chain at that row, and
someone with database access alone cannot recompute it without the key. The chain head lives in
the single-row :class:`AuditChainHead`, locked for every append, so writers in many processes
keep one chain. Rows are never updated or deleted through the ORM; on PostgreSQL a trigger
refuses UPDATE and DELETE too (``prune_audit_log`` is the one controlled exception).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class Outcome(models.TextChoices):
    INTENT = "intent", "Intent"
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    UNKNOWN = "unknown", "Unknown"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk updates and deletes: events are written once."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only: update() is refused.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only: delete() is refused.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only: bulk_update() is refused.")


class AuditEvent(models.Model):
    """One recorded action: who did what to which object, from where, and how it ended.

    ``id`` is the position in the chain (1, 2, 3, … without gaps), assigned under the chain-head
    lock. A write to Agiler produces two rows: the ``intent`` (before sending) and the outcome
    (``success``/``failure``/``unknown``) pointing back at it through ``intent``.
    """

    id = models.BigIntegerField(primary_key=True)
    time = models.DateTimeField()
    # No database constraint: deleting a user must not touch (update) their events; the
    # username and role snapshots keep the record readable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    source_ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=255, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    workspace_id = models.CharField(max_length=64, blank=True)
    project_id = models.CharField(max_length=64, blank=True)
    #: the names the project and workspace had when the event was recorded (ids above stay the
    #: key); empty on rows written before names were kept, or when the portal had not seen them
    project_name = models.CharField(max_length=255, blank=True, default="")
    workspace_name = models.CharField(max_length=255, blank=True, default="")
    #: canonical JSON (sorted keys) of the redacted request summary; text, so that the hashed
    #: form is exactly what the database returns on every backend.
    summary_json = models.TextField(default="{}")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    #: the portal's id of the page request that caused the event (X-Request-ID, sent upstream)
    portal_request_id = models.CharField(max_length=32, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    intent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="outcomes",
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            # Keyset pagination walks these backwards: (time, id) overall, per actor and action.
            models.Index(fields=["time", "id"], name="audit_time_id"),
            models.Index(fields=["actor", "time", "id"], name="audit_actor_time_id"),
            models.Index(fields=["action", "time", "id"], name="audit_action_time_id"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["project_id", "time"], name="audit_project_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.outcome} by {self.actor_username or '-'}"

    @property
    def summary(self) -> dict[str, Any]:
        """The redacted request summary as a dict."""
        value = json.loads(self.summary_json or "{}")
        return value if isinstance(value, dict) else {"value": value}

    @property
    def display_outcome(self) -> str:
        """What the viewer shows: an intent without an outcome row ended ``unknown``."""
        return Outcome.UNKNOWN if self.outcome == Outcome.INTENT else self.outcome

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; any later save is refused."""
        if not self._state.adding:
            raise AppendOnlyError(f"Audit event #{self.id} is append-only and cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Always refused: see ``prune_audit_log`` for retention."""
        raise AppendOnlyError(f"Audit event #{self.id} is append-only and cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row (pk=1) holding the last event's id and hash; locked for every append."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"chain head #{self.last_id} {self.last_hash[:12]}"


class AuditCheckpoint(models.Model):
    """Where retention cut the chain: events up to ``through_id`` were pruned.

    The first remaining event's ``prev_hash`` must equal ``through_hash``; the checkpoint is
    itself attested by a chained ``audit.pruned`` event, so it cannot be forged without the key.
    """

    through_id = models.BigIntegerField(unique=True)
    through_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-through_id"]

    def __str__(self) -> str:
        return f"checkpoint through #{self.through_id}"

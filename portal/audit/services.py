"""``record_event``: the one way an event enters the audit log.

Appending locks the chain head row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers on the first write, so there the head is touched first), links the new event to the
previous hash and moves the head, all in one transaction. Called inside an outer transaction,
the event commits or rolls back with it ("local writes record their event in the same
transaction").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.agiler.observer import redact
from portal.audit.actions import Action
from portal.audit.chain import compute_hash
from portal.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, Outcome
from portal.audit.sqltext import SQL_KEYS, redact_sql_fields, redact_sql_literals
from portal.lib.client_ip import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["client_ip", "lock_head", "record_event"]

_MAX_TEXT = 2000
_OUTCOMES = frozenset(Outcome.values)


def _clip(value: object, limit: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten(value: object) -> object:
    """Keep summaries small: long strings are cut, deep structures kept as they are."""
    if isinstance(value, str):
        return _clip(value, _MAX_TEXT)
    if isinstance(value, Mapping):
        return {str(k): _shorten(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shorten(v) for v in value[:200]]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return _clip(value, _MAX_TEXT)


def summary_to_json(summary: Mapping[str, object] | None) -> str:
    """Redact (again: defence in depth), strip SQL literals, shorten and serialise canonically."""
    # SQL text keeps its shape but loses its quoted literals (passwords in UPDATE/IDENTIFIED BY).
    cleaned = _shorten(redact_sql_fields(redact(dict(summary or {}))))
    # default=str: datetimes, UUIDs, decimals become text instead of failing the write.
    return json.dumps(
        cleaned, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def _has_sql(summary: Mapping[str, object] | None) -> bool:
    return bool(summary) and any(key in SQL_KEYS for key in summary or {})


def lock_head() -> AuditChainHead:
    """Lock (creating if needed) the chain head row for the rest of the transaction."""
    if connection.vendor == "sqlite":
        # Take SQLite's write lock now (waiting on the busy timeout) rather than after a read,
        # which would fail with "database is locked" instead of waiting.
        AuditChainHead.objects.filter(pk=1).update(last_id=F("last_id"))
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # First event ever (or a fresh test database): create the row, racing safely.
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record_event(
    *,
    action: str,
    actor: Any,
    request: HttpRequest | None = None,
    outcome: str = Outcome.SUCCESS,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    workspace_id: str = "",
    project_id: str = "",
    workspace_name: str = "",
    project_name: str = "",
    summary: Mapping[str, object] | None = None,
    status: int | None = None,
    error_code: str = "",
    error_message: str = "",
    request_id: str = "",
    idempotency_key: str = "",
    duration_ms: int | None = None,
    intent: AuditEvent | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it. Raises if it cannot be recorded.

    ``actor`` is a portal user (or None for an anonymous attempt such as a failed login); its id,
    username and current role are snapshotted. ``summary`` is redacted again here, so a token or
    password can never enter the log even if a caller forgets. ``intent`` links an outcome row
    to the intent row it completes.
    """
    if outcome not in _OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}; use one of {sorted(_OUTCOMES)}")
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}: add it to portal.audit.actions.Action")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor_id=actor.pk if is_user else None,
        actor_username=_clip(actor.get_username(), 150) if is_user else "",
        actor_role=_clip(getattr(actor, "role", ""), 16) if is_user else "",
        source_ip=client_ip(request),
        user_agent=_clip(request.META.get("HTTP_USER_AGENT", ""), 300) if request else "",
        action=_clip(action, 100),
        target_type=_clip(target_type, 50),
        target_id=_clip(target_id, 255),
        target_label=_clip(target_label, 255),
        workspace_id=_clip(workspace_id, 64),
        project_id=_clip(project_id, 64),
        workspace_name=_clip(workspace_name, 255),
        project_name=_clip(project_name, 255),
        summary_json=summary_to_json(summary),
        outcome=outcome,
        status=status,
        error_code=_clip(error_code, 100),
        # A database error often quotes the statement back ("near 'hunter2'").
        error_message=_clip(
            redact_sql_literals(error_message) if _has_sql(summary) else error_message, _MAX_TEXT
        ),
        request_id=_clip(request_id, 128),
        portal_request_id=_clip(getattr(request, "request_id", "") or "", 32) if request else "",
        idempotency_key=_clip(idempotency_key, 128),
        duration_ms=duration_ms,
        intent_id=intent.id if intent is not None else None,
    )
    with transaction.atomic():
        head = lock_head()
        event.id = head.last_id + 1
        event.prev_hash = head.last_hash
        # Taken under the lock, so time order follows chain order (barring clock steps).
        event.time = timezone.now()
        event.hash = compute_hash(event)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_id=event.id, last_hash=event.hash)
    return event

"""Reading the log: who sees which events, filters, and keyset pagination on (time, id)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from portal.audit.models import AuditEvent, Outcome

PAGE_SIZE = 50
_TABLE = AuditEvent._meta.db_table


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """The events ``user`` may see, following the role matrix, as one row per action.

    Admins and support see everything; finance their own and every billing event; everyone else
    their own. An intent whose outcome row exists is folded into that outcome; an intent without
    one (the process died mid-call) stays, shown as ``unknown``.
    """
    completed = AuditEvent.objects.filter(intent_id=OuterRef("id"))
    events = AuditEvent.objects.filter(~Q(outcome=Outcome.INTENT) | ~Exists(completed))
    if user.can("audit.read_all"):
        return events
    own = Q(actor_id=user.pk)
    if user.can("audit.read_billing"):
        return events.filter(own | Q(action__startswith="billing."))
    return events.filter(own)


#: the key a reorder's PATCHes carry: ``<the reorder entry's key>:<rule id>``
_REORDER_KEY_LENGTH = 36


def fold_reorder_steps(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Hide the per-rule PATCHes of a reorder that has its own ``rules.reorder`` entry: the list
    shows the move once; its detail page lists the PATCHes. Steps without such an entry (written
    before reorders were recorded as one) stay visible."""
    parent = AuditEvent.objects.filter(
        action="rules.reorder",
        idempotency_key=Substr(OuterRef("idempotency_key"), 1, _REORDER_KEY_LENGTH),
    )
    step = Q(action="rules.update", idempotency_key__contains=":")
    return events.exclude(step & Exists(parent))


def reorder_steps(event: AuditEvent, visible: QuerySet[AuditEvent]) -> list[AuditEvent]:
    """The PATCHes one ``rules.reorder`` entry stands for, in the order they were sent."""
    if event.action != "rules.reorder" or not event.idempotency_key:
        return []
    return list(
        visible.filter(
            action="rules.update", idempotency_key__startswith=event.idempotency_key + ":"
        ).order_by("id")
    )


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def apply_filters(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow ``events`` by a valid AuditFilterForm's cleaned data."""
    if actor := data.get("actor"):
        user = get_user_model().objects.filter(username__iexact=actor).first()
        # By id when the user exists (indexed); by the username snapshot for deleted users.
        events = events.filter(actor_id=user.pk) if user else events.filter(actor_username=actor)
    if action := data.get("action"):
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if outcome := data.get("outcome"):
        if outcome == Outcome.UNKNOWN:
            events = events.filter(outcome__in=[Outcome.UNKNOWN, Outcome.INTENT])
        else:
            events = events.filter(outcome=outcome)
    if target_type := data.get("target_type"):
        events = events.filter(target_type=target_type)
    if target := data.get("target"):
        events = events.filter(Q(target_id=target) | Q(target_label__icontains=target))
    if project := data.get("project"):
        events = events.filter(project_id=project)
    if workspace := data.get("workspace"):
        events = events.filter(workspace_id=workspace)
    if start := data.get("date_from"):
        events = events.filter(time__gte=_day_start(start))
    if end := data.get("date_to"):
        events = events.filter(time__lt=_day_start(end) + timedelta(days=1))
    if q := data.get("q"):
        events = events.filter(
            Q(action__icontains=q)
            | Q(actor_username__icontains=q)
            | Q(target_id__icontains=q)
            | Q(target_label__icontains=q)
            | Q(summary_json__icontains=q)
            | Q(error_message__icontains=q)
            | Q(source_ip=q)
        )
    return events


def encode_cursor(event: AuditEvent) -> str:
    """``<microseconds since epoch>-<id>``: a position in (time, id) order."""
    stamp = event.time.astimezone(UTC)
    micros = int((stamp - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))
    return f"{micros}-{event.id}"


def decode_cursor(value: str) -> tuple[datetime, int] | None:
    """Parse a cursor; None for anything malformed (the page then starts at the newest)."""
    micros, _, event_id = value.partition("-")
    try:
        when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
        return when, int(event_id)
    except (ValueError, OverflowError):
        return None


def _beyond(events: QuerySet[AuditEvent], cursor: tuple[datetime, int], op: str) -> QuerySet[Any]:
    # A row-value comparison, so the database walks the (time, id) index from the cursor on: no
    # OFFSET, page 1,000 costs what page 1 costs. (Supported by PostgreSQL and SQLite ≥ 3.15.)
    # The time goes through the field's own conversion: SQLite compares datetimes as text.
    when = AuditEvent._meta.get_field("time").get_db_prep_value(cursor[0], connection)
    return events.extra(  # noqa: S610 - constant SQL, values as parameters
        where=[f'("{_TABLE}"."time", "{_TABLE}"."id") {op} (%s, %s)'], params=[when, cursor[1]]
    )


@dataclass
class EventPage:
    """One page of events, newest first, with cursors to the neighbouring pages."""

    events: list[AuditEvent]
    older: str | None
    newer: str | None


def page_of(
    events: QuerySet[AuditEvent],
    *,
    before: str = "",
    after: str = "",
    size: int = PAGE_SIZE,
) -> EventPage:
    """The page just older than ``before`` (or newer than ``after``; else the newest page)."""
    after_cursor = decode_cursor(after) if after else None
    if after_cursor is not None:
        rows = list(_beyond(events, after_cursor, ">").order_by("time", "id")[: size + 1])
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        older = encode_cursor(rows[-1]) if rows else None
        return EventPage(rows, older, encode_cursor(rows[0]) if rows and has_newer else None)
    before_cursor = decode_cursor(before) if before else None
    query = _beyond(events, before_cursor, "<") if before_cursor is not None else events
    rows = list(query.order_by("-time", "-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    return EventPage(
        rows,
        encode_cursor(rows[-1]) if rows and has_older else None,
        encode_cursor(rows[0]) if rows and before_cursor is not None else None,
    )


def iter_events(events: QuerySet[AuditEvent], batch: int = 1000) -> Iterator[AuditEvent]:
    """Every event of ``events``, newest first, in keyset batches: constant memory."""
    cursor: tuple[datetime, int] | None = None
    while True:
        query = _beyond(events, cursor, "<") if cursor is not None else events
        rows = list(query.order_by("-time", "-id")[:batch])
        if not rows:
            return
        yield from rows
        cursor = (rows[-1].time, rows[-1].id)


# --- a project's history (read by other areas' pages) -------------------------------------------


def folded_events() -> QuerySet[AuditEvent]:
    """One row per action: outcomes, plus intents that never got one (shown as unknown)."""
    completed = AuditEvent.objects.filter(intent_id=OuterRef("id"))
    return AuditEvent.objects.filter(~Q(outcome=Outcome.INTENT) | ~Exists(completed))


def project_history(
    project_id: str,
    *,
    limit: int,
    action: str = "",
    area: str = "",
    target_type: str = "",
    target_id: str = "",
) -> list[AuditEvent]:
    """What was done to ``project_id`` through the portal, newest first, one row per action:
    only ``action`` (an ``Action``), or only an ``area``'s actions ("backups"), or only those on
    one target, when given."""
    events = folded_events().filter(project_id=project_id)
    if action:
        events = events.filter(action=action)
    if area:
        events = events.filter(action__startswith=f"{area}.")
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    return list(events.order_by("-time", "-id")[:limit])


def latest_success(project_id: str, action: str) -> AuditEvent | None:
    """The most recent successful ``action`` on ``project_id`` (its intent row joined)."""
    return (
        AuditEvent.objects.filter(project_id=project_id, action=action, outcome=Outcome.SUCCESS)
        .select_related("intent")
        .order_by("-time", "-id")
        .first()
    )

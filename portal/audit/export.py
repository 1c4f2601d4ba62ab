"""Streamed CSV and JSON Lines exports of the (filtered, visible) events."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from portal.audit.chain import format_time
from portal.audit.models import AuditEvent
from portal.audit.queries import iter_events

COLUMNS = (
    "id",
    "time",
    "actor_id",
    "actor_username",
    "actor_role",
    "source_ip",
    "user_agent",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "workspace_id",
    "project_id",
    "outcome",
    "status",
    "error_code",
    "error_message",
    "request_id",
    "idempotency_key",
    "duration_ms",
    "intent_id",
    "summary",
    "hash",
)


def event_row(event: AuditEvent) -> dict[str, Any]:
    """One event as a flat dict of export columns (outcome as the viewer shows it)."""
    row: dict[str, Any] = {}
    for column in COLUMNS:
        if column == "time":
            row[column] = format_time(event.time)
        elif column == "outcome":
            row[column] = event.display_outcome
        elif column == "summary":
            row[column] = event.summary
        else:
            row[column] = getattr(event, column)
    return row


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_safe(value: object) -> object:
    # Spreadsheet formula injection: a cell starting with = + - @ would be run by Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV export, one line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in iter_events(events):
        row = event_row(event)
        row["summary"] = json.dumps(row["summary"], sort_keys=True, ensure_ascii=False)
        yield writer.writerow(["" if row[c] is None else _csv_safe(row[c]) for c in COLUMNS])


def jsonl_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The JSON Lines export, one event per line."""
    for event in iter_events(events):
        yield json.dumps(event_row(event), ensure_ascii=False) + "\n"

"""Streamed CSV and JSON Lines exports of the (filtered, visible) events."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from portal.audit.chain import HASHED_FIELDS, format_time
from portal.audit.models import AuditEvent
from portal.audit.queries import iter_events

#: The hashed fields in chain order, then the summary decoded (in place of its canonical JSON)
#: and the event's own hash (in place of the link to the one before). Derived from the chain so
#: that a field added to it cannot be left out of the export.
COLUMNS = (
    *(name for name in HASHED_FIELDS if name not in ("summary_json", "prev_hash")),
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

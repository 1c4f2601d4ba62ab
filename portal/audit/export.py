"""Streamed CSV and JSON Lines exports of the (filtered, visible) events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from portal.audit.chain import HASHED_FIELDS, format_time
from portal.audit.models import AuditEvent
from portal.audit.queries import iter_events
from portal.lib import csv as spreadsheet

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


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV export, one line at a time."""
    return spreadsheet.csv_lines(COLUMNS, (_csv_row(event) for event in iter_events(events)))


def _csv_row(event: AuditEvent) -> list[object]:
    row = event_row(event)
    row["summary"] = json.dumps(row["summary"], sort_keys=True, ensure_ascii=False)
    return [row[c] for c in COLUMNS]


def jsonl_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The JSON Lines export, one event per line."""
    for event in iter_events(events):
        yield json.dumps(event_row(event), ensure_ascii=False) + "\n"

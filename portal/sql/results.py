"""What the console shows of a statement: its outcome in words and its rows as display cells.

Statements are Agiler's FreeformObject (a dict owned by the edge runtime), so every field is read
defensively: a missing or odd field is shown as unknown, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

#: cells longer than this are folded behind "show all"
FOLD_AT = 120
#: characters shown of a folded cell
FOLD_PREVIEW = 80
#: how long the pending state waits before asking again: 0.5 s, doubling, at most 5 s
POLL_FIRST_MS, POLL_MAX_MS = 500, 5000

STATUS_WORDS = {
    "pending": "Running",
    "success": "Done",
    "error": "The database refused it",
    "cancelled": "Cancelled",
}
STATUS_BADGES = {
    "pending": "bg-blue-lt",
    "success": "bg-green-lt",
    "error": "bg-red-lt",
    "cancelled": "bg-secondary-lt",
}


@dataclass(frozen=True)
class Cell:
    """One value as shown: ``kind`` is null, number, text or long (folded)."""

    kind: str
    text: str = ""
    preview: str = ""


_NULL_HTML = (
    '<td class="sql-null"><span aria-hidden="true">NULL</span>'
    '<span class="visually-hidden">no value (SQL NULL)</span></td>'
)


def cell_html(item: Cell) -> str:
    """One cell's ``<td>``: NULL marked as such, numbers right-aligned, long text folded.
    Built here rather than in the template: a page of 100 rows × 10 columns is a thousand
    cells, and the template's tag per cell made the page several times slower."""
    if item.kind == "null":
        return _NULL_HTML
    if item.kind == "number":
        return format_html('<td class="num">{}</td>', item.text)
    if item.kind == "long":
        return format_html(
            '<td class="sql-long"><details><summary>{} <span class="sql-more">show all</span>'
            '</summary><div class="sql-full">{}</div></details></td>',
            item.preview,
            item.text,
        )
    return format_html("<td>{}</td>", item.text)


def row_html(cells: list[Cell]) -> SafeString:
    """The cells of one result row as HTML (every value escaped by ``format_html``)."""
    return mark_safe("".join(cell_html(c) for c in cells))  # noqa: S308 - parts are escaped


def cell(value: Any) -> Cell:
    if value is None:
        return Cell("null")
    if isinstance(value, bool):
        return Cell("text", "true" if value else "false")
    if isinstance(value, int | float):
        return Cell("number", str(value))
    text = value if isinstance(value, str) else str(value)
    if len(text) > FOLD_AT or "\n" in text and len(text) > FOLD_PREVIEW:
        preview = " ".join(text[:FOLD_PREVIEW].split())
        return Cell("long", text, preview + "…")
    return Cell("text", text)


def poll_delay(step: int) -> int:
    """Milliseconds before the ``step``-th check of a pending statement (growing backoff)."""
    return min(POLL_FIRST_MS << max(0, min(step, 10)), POLL_MAX_MS)  # doubling: x << n == x * 2**n


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def duration_words(ms: int | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms} ms"
    return f"{ms / 1000:.1f} s"


@dataclass(frozen=True)
class StatementView:
    """A statement as the console shows it."""

    id: str
    sql: str
    status: str
    read_only: bool
    error: str
    columns: list[str]
    rows: list[list[Cell]]
    row_count: int | None
    rows_affected: int | None
    duration_ms: int | None
    submitted_at: datetime | None
    submitted_by: str
    timeout: int | None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, f"Unknown ({self.status})")

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.status, "bg-secondary-lt")

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def duration(self) -> str:
        return duration_words(self.duration_ms)

    @property
    def rows_html(self) -> list[SafeString]:
        return [row_html(row) for row in self.rows]

    @property
    def heads(self) -> list[tuple[str, bool]]:
        """Each column's name and whether it holds numbers on this page (right-aligned)."""
        out = []
        for index, name in enumerate(self.columns):
            kinds = {row[index].kind for row in self.rows if index < len(row)} - {"null"}
            out.append((name, kinds == {"number"}))
        return out

    @property
    def has_result_set(self) -> bool:
        return self.status == "success" and bool(self.columns)


def statement_view(statement: dict[str, object], page_rows: list[list[object]]) -> StatementView:
    """The display form of ``statement`` with this page's ``page_rows``."""
    columns = statement.get("columns")
    names = [str(c) for c in columns] if isinstance(columns, list) else []
    width = len(names)
    rows = []
    for row in page_rows:
        cells = [cell(v) for v in row]
        if width and len(cells) < width:
            cells += [Cell("null")] * (width - len(cells))
        rows.append(cells)
    status = statement.get("status")
    error = statement.get("error")
    return StatementView(
        id=str(statement.get("id", "")),
        sql=str(statement.get("sql") or ""),
        status=status if isinstance(status, str) else "unknown",
        read_only=statement.get("read_only") is not False,
        error=error if isinstance(error, str) else "",
        columns=names,
        rows=rows,
        row_count=_int(statement.get("row_count")),
        rows_affected=_int(statement.get("rows_affected")),
        duration_ms=_int(statement.get("duration_ms")),
        submitted_at=parse_when(statement.get("submitted_at")),
        submitted_by=str(statement.get("submitted_by") or ""),
        timeout=_int(statement.get("timeout")),
    )

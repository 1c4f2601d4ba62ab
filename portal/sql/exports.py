"""The SQL result export as a service: it records the audit row, then names the CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.audit import record
from portal.audit.actions import Action
from portal.audit.sqltext import redact_sql_literals


def preview(sql: str, *, redact: bool = True) -> str:
    """The statement on one line, cut at 80 characters; for the audit log, literals redacted."""
    text = " ".join((redact_sql_literals(sql) if redact else sql).split())
    return text if len(text) <= 80 else text[:79] + "…"


def result_export(*, actor: Any, request: HttpRequest | None, project: Any, statement: Any) -> str:
    """Record that ``actor`` exported the result of ``statement`` (a ``StatementView``) of
    ``project``; return the file name to stream it under."""
    record(
        action=Action.SQL_EXPORT_RESULT,
        actor=actor,
        request=request,
        target_type="sql_statement",
        target_id=statement.id,
        target_label=preview(statement.sql),
        project_id=project.id,
        summary={"sql": statement.sql, "format": "csv", "row_count": statement.row_count},
    )
    when = statement.submitted_at
    stamp = when.strftime("%Y%m%d-%H%M%S") if when else statement.id
    return f"{project.name}-sql-{stamp}.csv"

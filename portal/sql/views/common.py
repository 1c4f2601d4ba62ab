"""What the SQL console's read and write views share: URLs, audit helpers, page contexts."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.agiler import AgilerClient
from portal.audit import record
from portal.audit.actions import Action
from portal.audit.models import AuditEvent
from portal.lib.forms import new_idempotency_key
from portal.lib.pager import CursorTrail, with_query
from portal.lib.parallel import run_concurrently
from portal.projects.area_pages import area_crumbs
from portal.sql.exports import preview as _preview
from portal.sql.forms import StatementForm
from portal.sql.results import (
    StatementView,
    duration_words,
    parse_when,
    poll_delay,
    statement_view,
)

#: result rows per page: Agiler's default row page
PAGE_ROWS = 100
#: rows per upstream page while exporting (Agiler's maximum)
EXPORT_ROWS = 1000
HISTORY_PAGE = 20
#: session keys: statements run in this session, and past results already recorded as opened
RAN_KEY, OPENED_KEY = "sql_ran", "sql_opened"
SESSION_MAX = 200
HISTORY_CHANGED = "sql-history-changed"
TEMPLATE = "sql/console.html"
#: an out-of-band swap that closes the write confirmation
CLOSED_DIALOG = '<div id="sql-dialog" hx-swap-oob="true"></div>'


# --- small helpers ------------------------------------------------------------------------------


def console_url(project: str) -> str:
    return reverse("sql:console", args=[project])


def result_url(project: str, statement: str) -> str:
    return reverse("sql:result", args=[project, statement])


def _crumbs(detail: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    return area_crumbs(detail, "SQL console", console_url(detail.id), *tail)


def _remember(request: HttpRequest, key: str, statement: str) -> None:
    ids = [i for i in request.session.get(key, []) if i != statement]
    request.session[key] = [*ids, statement][-SESSION_MAX:]


def _int_param(request: HttpRequest, name: str) -> int:
    try:
        return max(0, min(int(request.GET.get(name, "0")), 100))
    except ValueError:
        return 0


# --- audit: outcomes and reads of past results --------------------------------------------------


def _record_outcome(request: HttpRequest, project: str, view: StatementView) -> None:
    """Record how a statement run in this session ended (once, whoever sees it first)."""
    if view.pending or view.id not in request.session.get(RAN_KEY, []):
        return
    if AuditEvent.objects.filter(action=Action.SQL_RESULT, target_id=view.id).exists():
        return
    record(
        action=Action.SQL_RESULT,
        actor=request.user,
        request=request,
        outcome="success" if view.status == "success" else "failure",
        target_type="sql_statement",
        target_id=view.id,
        target_label=_preview(view.sql),
        project_id=project,
        summary={
            "sql": view.sql,
            "read_only": view.read_only,
            "status": view.status,
            "rows_affected": view.rows_affected,
            "row_count": view.row_count,
        },
        error_message=view.error,
        duration_ms=view.duration_ms,
    )


def _record_open(request: HttpRequest, project: str, view: StatementView) -> None:
    """Opening a result not run in this session is a sensitive read (once per session)."""
    if view.pending or view.id in request.session.get(RAN_KEY, []):
        return
    if view.id in request.session.get(OPENED_KEY, []):
        return
    record(
        action=Action.SQL_OPEN_RESULT,
        actor=request.user,
        request=request,
        target_type="sql_statement",
        target_id=view.id,
        target_label=_preview(view.sql),
        project_id=project,
        summary={"sql": view.sql, "row_count": view.row_count, "status": view.status},
    )
    _remember(request, OPENED_KEY, view.id)


# --- the page's regions -------------------------------------------------------------------------


def _history_page(client: AgilerClient, project: str, trail: CursorTrail) -> Any:
    return client.list_sql_statements(project, cursor=trail.cursor, limit=HISTORY_PAGE)


def _history_context(
    client: AgilerClient, project: str, trail: CursorTrail, page: Any = None
) -> Any:
    """The history region: who ran each statement comes from the audit log (portal users),
    else from Agiler (statements run with the CLI or the API). Runs on the request's thread:
    the audit query must not run in a worker thread."""
    if page is None:
        page = _history_page(client, project, trail)
    ids = [item.id for item in page.items]
    who = dict(
        AuditEvent.objects.filter(action=Action.SQL_EXECUTE, target_id__in=ids)
        .exclude(outcome="intent")
        .values_list("target_id", "actor_username")
    )
    missing = [i for i in ids if i not in who]
    if missing:
        # Run outside the portal (CLI, API): Agiler knows who submitted it.
        found = run_concurrently(
            {sid: partial(client.get_sql_statement, project, sid, limit=1) for sid in missing}
        )
        who.update({sid: str(found[sid].get("submitted_by") or "") for sid in missing})
    base = reverse("sql:history", args=[project])
    return {
        "history": [
            {
                "item": item,
                "who": who.get(item.id, ""),
                "when": parse_when(item.submitted_at),
                "took": duration_words(item.duration_ms) or "—",
            }
            for item in page.items
        ],
        "history_pager": trail.pager(
            page.next_cursor,
            url=lambda query: with_query(base, query),
            prev_label="← Newer",
            next_label="Older →",
            label="History pages",
        ),
    }


def _result_context(
    request: HttpRequest, client: AgilerClient, project: str, statement: str, trail: CursorTrail
) -> dict[str, Any]:
    page = client.get_sql_statement_page(project, statement, cursor=trail.cursor, limit=PAGE_ROWS)
    view = statement_view(page.statement, page.rows)
    _record_outcome(request, project, view)
    if view.has_result_set:
        _record_open(request, project, view)
    base = result_url(project, view.id or statement)
    step = _int_param(request, "poll")
    first_row = (trail.number - 1) * PAGE_ROWS + 1 if trail.cursor else 1
    return {
        "result": view,
        "rows_pager": trail.pager(
            page.next_cursor,
            url=lambda query: with_query(base, query),
            prev_label="← Previous rows",
            next_label="Next rows →",
            label="Result pages",
        ),
        "first_row": first_row,
        "last_row": first_row + len(view.rows) - 1,
        "rows_summary": f"rows {first_row}–{first_row + len(view.rows) - 1} of {view.row_count}"
        if view.rows
        else "",
        "poll_url": f"{base}?poll={step + 1}",
        "poll_delay": poll_delay(step),
        "cancel_key": new_idempotency_key(),
    }


def _page(
    request: HttpRequest,
    client: AgilerClient,
    project: str,
    *,
    form: StatementForm,
    result: dict[str, Any] | None = None,
    dialog: dict[str, Any] | None = None,
    history_trail: CursorTrail | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole console page."""
    trail = history_trail or CursorTrail(cursor=None)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "history": lambda: _history_page(client, project, trail),
        }
    )
    detail = found["project"]
    history_context = _history_context(client, project, trail, found["history"])
    context = {
        "page_title": f"SQL console · {detail.name}",
        "project": detail,
        "project_id": detail.id,
        "form": form,
        "crumbs": _crumbs(detail),
        "dialog": dialog,
        **history_context,
        **(result or {}),
    }
    return render(request, TEMPLATE, context, status=status)


def _editor_form(sql: str = "", timeout: int | None = None) -> StatementForm:
    initial: dict[str, Any] = {"sql": sql, "read_only": True}
    if timeout:
        initial["timeout"] = timeout
    return StatementForm.fresh(initial=initial)


# --- views --------------------------------------------------------------------------------------

"""The SQL console's pages: the console, the history, a result, its CSV."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from portal.accounts.access import requires
from portal.lib.csv import csv_response
from portal.lib.htmx import is_fragment, render_page
from portal.lib.pager import CursorTrail
from portal.lib.parallel import run_concurrently
from portal.sql import exports
from portal.sql.results import (
    StatementView,
    statement_view,
)
from portal.sql.views.common import (
    EXPORT_ROWS,
    HISTORY_CHANGED,
    TEMPLATE,
    _editor_form,
    _history_context,
    _page,
    _result_context,
)
from portal.tokens.service import agiler_for


@require_GET
@requires("sql.execute")
def console(request: HttpRequest, project: str) -> HttpResponse:
    """The console: an empty editor (or a past statement put back into it) and the history."""
    client = agiler_for(request.user, request=request)
    form = _editor_form()
    edit = request.GET.get("edit", "").strip()
    if edit and len(edit) <= 200 and "\x00" not in edit:
        # Re-run: the statement's text goes back into the editor; its rows are not read.
        past = client.get_sql_statement(project, edit, limit=1)
        timeout = past.get("timeout")
        form = _editor_form(
            str(past.get("sql") or ""), timeout if isinstance(timeout, int) else None
        )
    if is_fragment(request):
        client.get_project(project)  # an unknown or malformed project is a 404, not an editor
        return render_page(
            request, TEMPLATE, {"form": form, "project_id": project}, fragment="sql-editor"
        )
    return _page(request, client, project, form=form)


@require_GET
@requires("sql.execute")
def history(request: HttpRequest, project: str) -> HttpResponse:
    """The project's statements, newest first, one cursor page at a time."""
    client = agiler_for(request.user, request=request)
    trail = CursorTrail.from_request(request)
    if is_fragment(request):
        context = {"project_id": project, **_history_context(client, project, trail)}
        return render_page(request, TEMPLATE, context, fragment="sql-history")
    return _page(request, client, project, form=_editor_form(), history_trail=trail)


@require_GET
@requires("sql.execute")
def result(request: HttpRequest, project: str, statement: str) -> HttpResponse:
    """One statement's outcome and a page of its rows; polled (with backoff) while it runs."""
    client = agiler_for(request.user, request=request)
    trail = CursorTrail.from_request(request)
    context = _result_context(request, client, project, statement, trail)
    view: StatementView = context["result"]
    if is_fragment(request):
        context["project_id"] = project
        response = render_page(request, TEMPLATE, context, fragment="sql-result")
        if not view.pending and request.GET.get("poll"):
            trigger_client_event(response, HISTORY_CHANGED)
        return response
    form = _editor_form(view.sql, view.timeout)
    return _page(request, client, project, form=form, result=context)


@require_GET
@requires("sql.execute")
def export(
    request: HttpRequest, project: str, statement: str
) -> HttpResponse | StreamingHttpResponse:
    """The whole result as CSV, streamed across Agiler's row pages; recorded as an export."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "first": lambda: client.get_sql_statement_page(project, statement, limit=EXPORT_ROWS),
        }
    )
    detail, first = found["project"], found["first"]
    view = statement_view(first.statement, [])
    if not view.has_result_set:
        return render(
            request,
            "errors/fragment.html" if is_fragment(request) else "errors/page.html",
            {
                "status": 409,
                "title": "Nothing to export",
                "message": "Only a finished statement that returned rows can be exported. "
                f"This one is: {view.status_words.lower()}.",
                "page_title": "Nothing to export",
            },
            status=409,
        )
    filename = exports.result_export(
        actor=request.user, request=request, project=detail, statement=view
    )

    def rows() -> Iterator[list[object]]:
        yield from first.rows
        cursor = first.next_cursor
        seen: set[str] = set()
        while cursor and cursor not in seen:
            seen.add(cursor)
            page = client.get_sql_statement_page(
                detail.id, view.id, cursor=cursor, limit=EXPORT_ROWS
            )
            yield from page.rows
            cursor = page.next_cursor

    return csv_response(view.columns, rows(), filename=filename)

"""The SQL console of one project: editor, result (polled while running), history, export.

Every statement goes through the client (``create_sql_statement`` is audited as ``sql.execute``
by construction, its text with quoted literals redacted). The console adds what the client cannot
know: the statement's outcome once it has finished (``sql.result``: status, rows affected), and
opening a result someone else ran — or one run in another session — as a sensitive read
(``sql.open_result``), recorded once per session and statement. Exports are ``sql.export_result``.

Writes need the read-only switch off, the ``sql.write`` action and a confirmation naming the
project; a statement Agiler refuses (a write sent read-only) goes back to the editor with the
statement intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget, trigger_client_event

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import AgilerClient, BadRequest
from portal.audit import record
from portal.audit.actions import Action
from portal.audit.models import AuditEvent
from portal.lib.confirm import Confirmation, confirm
from portal.lib.csv import csv_response
from portal.lib.forms import new_idempotency_key
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.lib.pager import CursorTrail, with_query
from portal.lib.parallel import run_concurrently
from portal.sql import exports
from portal.sql.exports import preview as _preview
from portal.sql.forms import DeleteStatementForm, StatementForm, WriteConfirmForm
from portal.sql.results import (
    StatementView,
    duration_words,
    parse_when,
    poll_delay,
    statement_view,
)
from portal.tokens.service import agiler_for

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
    trail = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": detail.name, "url": reverse("projects:detail", args=[detail.id])},
        {"label": "SQL console", "url": console_url(detail.id) if tail else ""},
    ]
    return trail + [{"label": label, "url": url} for label, url in tail]


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


@requires("sql.execute")
@require_POST
def run(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Run the editor's statement: read-only straight away, a write after its confirmation."""
    client = agiler_for(request.user, request=request)
    form = StatementForm(request.POST)
    if not form.is_valid():
        if "idempotency_key" not in form.errors or len(form.errors) > 1:
            return _editor_errors(request, client, project, form)
        # A missing or tampered key only: run it under a new one (nothing was sent yet).
        posted = request.POST.copy()
        posted["idempotency_key"] = new_idempotency_key()
        form = StatementForm(posted)
        form.is_valid()
    data = form.cleaned_data
    if not data["read_only"]:
        if not request.user.can("sql.write"):
            form.add_error("read_only", "Your role may only run read-only statements.")
            return _editor_errors(request, client, project, form, status=403)
        if not data["confirmed"]:
            return _write_dialog(request, client, project, data)
    try:
        created = client.create_sql_statement(
            project,
            sql=data["sql"],
            read_only=data["read_only"],
            timeout=data["timeout"],
            respond_async=True,
            idempotency_key=data["idempotency_key"],
        )
    except BadRequest as error:
        if error.field == "sql" and data["read_only"]:
            form.add_error(
                "sql",
                "This statement changes data, and read-only is on: nothing was run. Turn "
                "read-only off to run it (you will be asked to confirm).",
            )
        else:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        return _editor_errors(request, client, project, form)
    statement = str(created.get("id") or "")
    _remember(request, RAN_KEY, statement)
    if not is_fragment(request):
        return redirect(result_url(project, statement))
    view = statement_view(created, [])
    context: dict[str, Any]
    if view.pending:
        context = {
            "result": view,
            "poll_url": f"{result_url(project, statement)}?poll=1",
            "poll_delay": poll_delay(0),
            "cancel_key": new_idempotency_key(),
        }
    else:
        context = _result_context(request, client, project, statement, CursorTrail(cursor=None))
    context.update({"project_id": project, "fresh_key": new_idempotency_key()})
    html: str = render_to_string(f"{TEMPLATE}#sql-result", context, request)
    # A fresh key for the next run (the same key would replay this one) and the dialog closed.
    html += render_to_string(f"{TEMPLATE}#sql-key", context, request)
    html += CLOSED_DIALOG
    response = HttpResponse(html)
    retarget(response, "#sql-result")
    reswap(response, "outerHTML")
    push_url(response, result_url(project, statement))
    return trigger_client_event(response, HISTORY_CHANGED)


def _editor_errors(
    request: HttpRequest,
    client: AgilerClient,
    project: str,
    form: StatementForm,
    *,
    status: int = 0,
) -> HttpResponse:
    """The editor again with its errors and the statement as typed, under a fresh key."""
    form.rekey()
    if is_fragment(request):
        response = render_page(
            request, TEMPLATE, {"form": form, "project_id": project}, fragment="sql-editor"
        )
        # Refused from the write confirmation: close it, the errors are on the editor.
        response.content += CLOSED_DIALOG.encode()
        retarget(response, "#sql-editor")
        return reswap(response, "outerHTML")
    return _page(request, client, project, form=form, status=status or form_status(request))


def _write_dialog(
    request: HttpRequest, client: AgilerClient, project: str, data: dict[str, Any]
) -> HttpResponse:
    """The shared confirmation for a write, naming the project; it re-posts the statement."""
    detail = client.get_project(project)
    confirm_form = WriteConfirmForm(
        initial={**data, "confirmed": True, "idempotency_key": data["idempotency_key"]},
        auto_id="confirm_%s",
    )
    dialog = {
        "title": f"Change data in {detail.name}?",
        "object": f"The live WordPress database of {detail.name}",
        "consequence": "Read-only is off: this statement may change or delete data, and "
        "nothing can undo it except restoring a backup. The statement is:",
        "statement": data["sql"],
        "action": reverse("sql:run", args=[project]),
        "submit": f"Run on {detail.name}",
        "cancel_url": console_url(project),
        "form": confirm_form,
        "modal": is_fragment(request),
        "testid": "write-dialog",
    }
    if is_fragment(request):
        response = render_page(
            request, TEMPLATE, {"dialog": dialog, "project_id": project}, fragment="sql-dialog"
        )
        retarget(response, "#sql-dialog")
        return reswap(response, "outerHTML")
    form = StatementForm(initial={**data, "confirmed": False})
    return _page(request, client, project, form=form, dialog=dialog)


@requires("sql.execute")
@require_POST
def cancel(request: HttpRequest, project: str, statement: str) -> HttpResponse:
    """Cancel a running statement (Agiler's DELETE of a pending one); a finished one is kept."""
    client = agiler_for(request.user, request=request)
    current = statement_view(client.get_sql_statement(project, statement, limit=1), [])
    if current.pending:
        form = DeleteStatementForm(request.POST)
        key = form.cleaned_data["idempotency_key"] if form.is_valid() else None
        client.delete_sql_statement(project, statement, idempotency_key=key)
        _remember(request, RAN_KEY, statement)
    elif not is_fragment(request):
        messages.info(request, "The statement had already finished; nothing was cancelled.")
    if not is_fragment(request):
        return redirect(result_url(project, statement))
    context = _result_context(request, client, project, statement, CursorTrail(cursor=None))
    context["project_id"] = project
    response = render_page(request, TEMPLATE, context, fragment="sql-result")
    return trigger_client_event(response, HISTORY_CHANGED)


@require_http_methods(["GET", "POST"])
@requires("sql.execute")
def delete(request: HttpRequest, project: str, statement: str) -> HttpResponse:
    """Confirm, then remove a finished statement and its result from the history."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "statement": lambda: client.get_sql_statement(project, statement, limit=1),
        }
    )
    detail = found["project"]
    view = statement_view(found["statement"], [])

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_sql_statement(detail.id, view.id, idempotency_key=data["idempotency_key"])
        messages.success(request, "Statement removed from the history.")
        return done(request, console_url(detail.id))

    confirmation = Confirmation(
        title="Remove this statement from the history?",
        object=_preview(view.sql, redact=False) or "(empty statement)",
        consequence=f"The statement and its result are deleted from {detail.name}'s SQL "
        "history on Agiler. The data it read or changed is not affected.",
        submit="Remove from history",
        action=reverse("sql:delete", args=[detail.id, view.id]),
        cancel_url=console_url(detail.id),
        blocked="This statement is still running: cancel it first." if view.pending else "",
        testid="delete-dialog",
    )
    return confirm(
        request,
        confirmation,
        form_class=DeleteStatementForm,
        perform=perform,
        template="components/confirm_page.html",
        fragment="confirm-dialog",
        context={
            "page_title": "Remove statement",
            "crumbs": _crumbs(detail, ("Remove statement", "")),
        },
    )


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

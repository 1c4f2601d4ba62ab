"""The SQL console's actions: run a statement, cancel a pending one, delete one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget, trigger_client_event

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import AgilerClient, BadRequest
from portal.lib.confirm import Confirmation, confirm
from portal.lib.forms import new_idempotency_key
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.lib.pager import CursorTrail
from portal.lib.parallel import run_concurrently
from portal.sql.exports import preview as _preview
from portal.sql.forms import DeleteStatementForm, StatementForm, WriteConfirmForm
from portal.sql.results import (
    poll_delay,
    statement_view,
)
from portal.sql.views.common import (
    CLOSED_DIALOG,
    HISTORY_CHANGED,
    RAN_KEY,
    TEMPLATE,
    _crumbs,
    _page,
    _remember,
    _result_context,
    console_url,
    result_url,
)
from portal.tokens.service import agiler_for


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

"""Variables pages: the list, add, edit, remove, and the bulk edit from a ``.env`` paste.

Each view: one role decorator, resolve the project (and variable) on Agiler, validate the form,
call the client or ``services``, render. Writes go through the client, so they are audited by
construction, with the name and the sensitive flag and never the value. Values reach templates
only through ``services.present`` (none for support and finance, none for sensitive variables).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import NOT_GIVEN, AgilerClient, BadRequest, Conflict
from portal.lib.confirm import Confirmation, confirm
from portal.lib.forms import add_refusal
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.lib.pager import CursorTrail, with_query
from portal.lib.sealed import Unsealable, seal, unseal
from portal.projects.area_pages import area_crumbs, with_project, write_controls
from portal.tokens.scopes import scope_gate
from portal.tokens.service import agiler_for
from portal.variables import services
from portal.variables.dotenv import parse
from portal.variables.forms import (
    PASTE_PURPOSE,
    ApplyForm,
    EditVariableForm,
    PasteForm,
    RemoveVariableForm,
    VariableForm,
)

PAGE_SIZE = 50
WRITE_SCOPE = "projects.variables:write"


def list_url(project: str) -> str:
    return reverse("variables:list", args=[project])


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Variables › *tail."""
    return area_crumbs(project, "Variables", list_url(project.id), *tail)


def write_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """Whether the page offers writes (role), whether they work (token scope), and whether it
    shows values."""
    return {
        **write_controls(request.user, WRITE_SCOPE),
        "read_values": services.may_read_values(request.user),
    }


@require_GET
@requires("projects.read")
def variable_list(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """The project's variables: names and the sensitive badge; values for roles that may."""
    trail = CursorTrail.from_request(request)
    client = agiler_for(request.user, request=request)
    detail, found = with_project(
        client,
        project,
        {"page": lambda: client.list_variables(project, cursor=trail.cursor, limit=PAGE_SIZE)},
        wanted=not is_fragment(request),
    )
    page = found["page"]
    project_id = detail.id if detail else project
    values = services.may_read_values(request.user)
    base = list_url(project_id)
    context: dict[str, Any] = {
        "project_id": project_id,
        "variables": [services.present(var, values=values) for var in page.items],
        "page_number": trail.number,
        "pager": trail.pager(
            page.next_cursor, url=lambda query: with_query(base, query), label="Variable pages"
        ),
        **write_context(request),
    }
    if detail:
        context.update(
            {
                "page_title": f"Variables of {detail.name}",
                "project": detail,
                "crumbs": crumbs(detail),
            }
        )
    return render_page(request, "variables/list.html", context, fragment="variables-table")


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def variable_add(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Add one variable."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    status = 200
    if request.method == "POST":
        form = VariableForm(request.POST, user_id=request.user.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = client.create_variable(
                    detail.id,
                    name=data["name"],
                    value=data["value"],
                    sensitive=bool(data["sensitive"]),
                    idempotency_key=data["idempotency_key"],
                )
            except (BadRequest, Conflict) as error:
                add_refusal(form, error)
            else:
                kind = "Sensitive variable" if created.sensitive else "Variable"
                messages.success(request, f"{kind} {created.name} added.")
                return done(request, list_url(detail.id))
        form.keep_sensitive_value()
        status = form_status(request)
    else:
        form = VariableForm.fresh(user_id=request.user.pk)
    context = {
        "page_title": f"Add a variable to {detail.name}",
        "project": detail,
        "project_id": detail.id,
        "form": form,
        "heading": "Add a variable",
        "action": reverse("variables:add", args=[detail.id]),
        "submit": "Add variable",
        "crumbs": crumbs(detail, ("Add", "")),
        **write_context(request),
    }
    return render_page(
        request, "variables/form.html", context, fragment="variable-form", status=status
    )


def _project_and_variable(client: AgilerClient, project: str, variable: str) -> tuple[Any, Any]:
    detail, variables = _current(client, project)
    return detail, services.find_variable(variables, variable)


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def variable_edit(request: AuthenticatedHttpRequest, project: str, variable: str) -> HttpResponse:
    """Change a variable's name, value or sensitivity (a sensitive value is write-only)."""
    client = agiler_for(request.user, request=request)
    detail, var = _project_and_variable(client, project, variable)
    status = 200
    kwargs = {"user_id": request.user.pk, "current_sensitive": var.sensitive}
    if request.method == "POST":
        form = EditVariableForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                updated = client.update_variable(
                    detail.id,
                    var.id,
                    name=data["name"] if data["name"] != var.name else NOT_GIVEN,
                    value=data["value"] if data["send_value"] else NOT_GIVEN,
                    sensitive=bool(data["sensitive"]),
                    idempotency_key=data["idempotency_key"],
                    audit_name=var.name,
                )
            except (BadRequest, Conflict) as error:
                add_refusal(form, error)
            else:
                messages.success(request, f"Variable {updated.name} saved.")
                return done(request, list_url(detail.id))
        form.keep_sensitive_value()
        status = form_status(request)
    else:
        initial: dict[str, Any] = {"name": var.name, "sensitive": var.sensitive}
        if not var.sensitive:
            initial["value"] = var.value or ""
        form = EditVariableForm.fresh(initial=initial, **kwargs)
    context = {
        "page_title": f"Edit {var.name}",
        "project": detail,
        "project_id": detail.id,
        "variable": var,
        "form": form,
        "heading": "Name and value",
        "action": reverse("variables:edit", args=[detail.id, var.id]),
        "submit": "Save variable",
        "crumbs": crumbs(detail, (var.name, "")),
        **write_context(request),
    }
    return render_page(
        request, "variables/form.html", context, fragment="variable-form", status=status
    )


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def variable_remove(request: HttpRequest, project: str, variable: str) -> HttpResponse:
    """Confirm, then delete a variable."""
    client = agiler_for(request.user, request=request)
    detail, var = _project_and_variable(client, project, variable)

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_variable(
            detail.id, var.id, idempotency_key=data["idempotency_key"], audit_name=var.name
        )
        messages.success(request, f"Variable {var.name} removed.")
        return done(request, list_url(detail.id))

    gate = scope_gate(request.user, WRITE_SCOPE)
    hidden = ""
    if var.sensitive:
        hidden = " Its value is sensitive: Agiler keeps no copy you could read back."
    return confirm(
        request,
        Confirmation(
            title="Remove this variable?",
            object=f"{var.name} on {detail.name}",
            consequence=f"{var.name} is deleted from the project's environment for good.{hidden}",
            submit="Remove variable",
            action=reverse("variables:remove", args=[detail.id, var.id]),
            cancel_url=list_url(detail.id),
            blocked="" if gate.allowed else gate.reason,
            testid="remove-dialog",
        ),
        form_class=RemoveVariableForm,
        perform=perform,
        refusals={
            Conflict: lambda e: f"Refused by Agiler: {e.message} Nothing was removed.",
        },
        template="variables/confirm.html",
        fragment="variable-dialog",
        context={
            "page_title": f"Remove {var.name}",
            "project": detail,
            "crumbs": crumbs(detail, (var.name, ""), ("Remove", "")),
        },
    )


# --- bulk edit from a .env paste --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def variable_paste(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Paste → preview → apply. The paste never comes back to the page in clear: the preview
    carries it sealed, values of sensitive lines are masked, and nothing is stored."""
    client = agiler_for(request.user, request=request)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    context: dict[str, Any] = {**write_context(request)}
    status = 200
    paste_form = PasteForm()
    text = ""
    if step == "apply":
        apply_form = ApplyForm(request.POST)
        if apply_form.is_valid():
            try:
                text = unseal(
                    apply_form.cleaned_data["sealed_paste"],
                    purpose=PASTE_PURPOSE,
                    user_id=request.user.pk,
                )
            except Unsealable:
                context["expired"] = True
        else:
            context["expired"] = True
        if text:
            return _apply(request, client, project, text, apply_form.cleaned_data, context)
        status = form_status(request)
    elif step == "preview":
        paste_form = PasteForm(request.POST)
        if paste_form.is_valid():
            return _preview(request, client, project, paste_form.cleaned_data["paste"], context)
        # The paste is not written back into the page (it may hold secrets): the reason is.
        context["paste_errors"] = paste_form.errors.get("paste", [])
        paste_form = PasteForm()
        status = form_status(request)
    detail = client.get_project(project)
    context.update(_page(detail, "Paste a .env file"))
    context.update({"stage": "paste", "paste_form": paste_form})
    return render_page(
        request, "variables/paste.html", context, fragment="paste-flow", status=status
    )


def _page(detail: Any, title: str) -> dict[str, Any]:
    return {
        "page_title": f"{title} · {detail.name}",
        "project": detail,
        "project_id": detail.id,
        "crumbs": crumbs(detail, ("Paste a .env file", "")),
    }


def _current(client: AgilerClient, project: str) -> tuple[Any, list[Any]]:
    """The project and every variable it has now."""
    detail, found = with_project(
        client, project, {"variables": lambda: services.all_variables(client, project)}
    )
    return detail, found["variables"]


def _preview(
    request: HttpRequest, client: AgilerClient, project: str, text: str, context: dict[str, Any]
) -> HttpResponse:
    detail, current = _current(client, project)
    parsed = parse(text)
    changes = services.plan(parsed.entries, current)
    context.update(_page(detail, "Preview"))
    context.update(
        {
            "stage": "preview",
            "changes": changes,
            "problems": parsed.problems,
            "sending": sum(1 for c in changes if c.sends),
            "apply_form": ApplyForm.fresh(
                initial={"sealed_paste": seal(text, purpose=PASTE_PURPOSE, user_id=request.user.pk)}
            ),
        }
    )
    return render_page(request, "variables/paste.html", context, fragment="paste-flow")


def _apply(
    request: HttpRequest,
    client: AgilerClient,
    project: str,
    text: str,
    data: dict[str, Any],
    context: dict[str, Any],
) -> HttpResponse:
    detail, current = _current(client, project)
    parsed = parse(text)
    names = [entry.name for entry in parsed.entries]
    chosen = set(request.POST.getlist("sensitive"))
    replace = set(request.POST.getlist("replace"))
    changes = services.plan(
        parsed.entries, current, sensitive={name: name in chosen for name in names}
    )
    skip = frozenset(
        c.name for c in changes if c.kind == services.REPLACE and c.name not in replace
    )
    results = services.apply(
        client, detail.id, changes, base_key=data["idempotency_key"], skip=skip
    )
    landed = [r.change.name for r in results if r.landed]
    failed = [r for r in results if r.outcome in (services.REFUSED, services.UNKNOWN)]
    not_sent = [r for r in results if r.outcome == services.NOT_SENT]
    context.update(_page(detail, "Result"))
    context.update(
        {
            "stage": "result",
            "results": results,
            "problems": parsed.problems,
            "landed": landed,
            "failed": failed,
            "not_sent": not_sent,
        }
    )
    return render_page(request, "variables/paste.html", context, fragment="paste-flow")

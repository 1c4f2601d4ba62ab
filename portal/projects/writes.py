"""Project writes: create, settings (rename, runtime, move), activate/deactivate, delete.

Every write goes through the client, so it is audited by construction (intent, then outcome).
Agiler's field errors (400, and 409 for a name already taken) land on the form field they name;
any other AgilerError propagates to the error middleware. The portal role is the first gate
(``projects.write``); the token's ``projects:write`` scope the second (controls are shown disabled
with the scope named, and Agiler enforces it regardless).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.accounts.access import requires
from portal.agiler import AgilerClient, AgilerError, BadRequest, Conflict
from portal.lib.confirm import Confirmation, confirm
from portal.lib.forms import IdempotentForm, new_idempotency_key
from portal.lib.htmx import done, form_status, is_fragment
from portal.lib.parallel import run_concurrently
from portal.projects import catalogs
from portal.projects.forms import (
    ProjectActiveForm,
    ProjectCreateForm,
    ProjectDeleteForm,
    ProjectSettingsForm,
)
from portal.tokens.scopes import scope_gate
from portal.tokens.service import agiler_for

WRITE_SCOPE = "projects:write"
#: Workspace roles that cannot create or receive projects (Agiler answers 403 for them).
READ_ONLY_WORKSPACE_ROLES = frozenset({"viewer"})


def _writable_workspaces(client: AgilerClient) -> list[tuple[str, str]]:
    workspaces = client.paginate(client.list_workspaces, limit=100)
    return sorted(
        ((ws.id, ws.name) for ws in workspaces if ws.role not in READ_ONLY_WORKSPACE_ROLES),
        key=lambda item: item[1].lower(),
    )


def _field_error(form: Any, error: AgilerError) -> bool:
    """Put Agiler's refusal on the field it names (or the form); False if it is not a form
    matter (an idempotency-key conflict, a conflict about state), so the caller re-raises."""
    if isinstance(error, Conflict) and error.field != "name":
        return False
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message or "Agiler refused this value.")
    form.rekey()
    return True


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": "Projects", "url": reverse("projects:list")}] + [
        {"label": label, "url": url} for label, url in trail
    ]


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def project_create(request: HttpRequest) -> HttpResponse:
    """Create a project in one of the caller's workspaces. Idempotent per rendered form."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "workspaces": lambda: _writable_workspaces(client),
            "regions": lambda: catalogs.regions(client),
            "runtimes": lambda: catalogs.runtimes(client),
        }
    )
    options = {key: found[key] for key in ("workspaces", "regions", "runtimes")}
    status = 200
    if request.method == "POST":
        form = ProjectCreateForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = client.create_project(
                    name=data["name"],
                    region=data["region"],
                    runtime=data["runtime"],
                    workspace_id=data["workspace_id"],
                    idempotency_key=data["idempotency_key"],
                )
            except (BadRequest, Conflict) as error:
                if not _field_error(form, error):
                    raise
            else:
                messages.success(request, f"Project “{created.name}” created.")
                return done(request, reverse("projects:detail", args=[created.id]))
        status = form_status(request)
    else:
        initial = {"idempotency_key": new_idempotency_key()}
        workspace = request.GET.get("workspace", "")
        if workspace in {ws_id for ws_id, _ in options["workspaces"]}:
            initial["workspace_id"] = workspace
        form = ProjectCreateForm(initial=initial, **options)
    context = {
        "page_title": "New project",
        "form": form,
        "gate": scope_gate(request.user, WRITE_SCOPE),
        "crumbs": _crumbs(("New project", "")),
    }
    template = "projects/create.html#project-form" if is_fragment(request) else None
    return render(request, template or "projects/create.html", context, status=status)


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def project_settings(request: HttpRequest, project: str) -> HttpResponse:
    """Rename, change the runtime, or move to another workspace; only changed fields are sent."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "workspaces": lambda: _writable_workspaces(client),
            "runtimes": lambda: catalogs.runtimes(client),
        }
    )
    detail = found["project"]
    options = {"project": detail, "workspaces": found["workspaces"], "runtimes": found["runtimes"]}
    status = 200
    if request.method == "POST":
        form = ProjectSettingsForm(request.POST, **options)
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, "Nothing changed.")
                return done(request, reverse("projects:detail", args=[detail.id]))
            try:
                updated = client.update_project(
                    detail.id, idempotency_key=form.cleaned_data["idempotency_key"], **changes
                )
            except (BadRequest, Conflict) as error:
                if not _field_error(form, error):
                    raise
            else:
                messages.success(request, f"Project “{updated.name}” updated.")
                return done(request, reverse("projects:detail", args=[updated.id]))
        status = form_status(request)
    else:
        form = ProjectSettingsForm(
            initial={
                "idempotency_key": new_idempotency_key(),
                "name": detail.name,
                "runtime": detail.runtime,
                "workspace_id": detail.workspace_id,
            },
            **options,
        )
    context = {
        "page_title": f"Settings of {detail.name}",
        "project": detail,
        "form": form,
        "gate": scope_gate(request.user, WRITE_SCOPE),
        "crumbs": _crumbs(
            (detail.name, reverse("projects:detail", args=[detail.id])), ("Settings", "")
        ),
    }
    template = "projects/settings.html#project-form" if is_fragment(request) else None
    return render(request, template or "projects/settings.html", context, status=status)


def _confirm_on_project(
    request: HttpRequest,
    detail: Any,
    *,
    verb: str,
    title: str,
    consequence: str,
    submit: str,
    url_name: str,
    testid: str,
    form_class: type[IdempotentForm],
    form_kwargs: dict[str, Any],
    perform: Callable[[dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """A change to the whole project behind the shared confirmation: the dialog names the
    project (region and runtime tell look-alike names apart), Cancel goes back to its page, and
    it is refused up front when the token lacks ``projects:write``."""
    gate = scope_gate(request.user, WRITE_SCOPE)
    detail_url = reverse("projects:detail", args=[detail.id])
    return confirm(
        request,
        Confirmation(
            title=title,
            object=f"{detail.name} ({detail.region}, {detail.runtime})",
            consequence=consequence,
            submit=submit,
            action=reverse(url_name, args=[detail.id]),
            cancel_url=detail_url,
            blocked="" if gate.allowed else gate.reason,
            testid=testid,
        ),
        form_class=form_class,
        form_kwargs=form_kwargs,
        perform=perform,
        template="projects/delete.html",
        fragment="project-dialog",
        context={
            "page_title": f"{verb} {detail.name}",
            "project": detail,
            "crumbs": _crumbs((detail.name, detail_url), (verb, "")),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def project_active(request: HttpRequest, project: str) -> HttpResponse:
    """Deactivate through the shared confirmation (the site stops answering); activate at once.

    The wanted state is in the form, so a replayed click cannot flip it back."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)

    def perform(data: dict[str, Any]) -> HttpResponse:
        active = data["active"]
        updated = client.update_project(
            detail.id, active=active, idempotency_key=data["idempotency_key"]
        )
        if active:
            messages.success(
                request, f"Project “{updated.name}” is active again: its site answers."
            )
        else:
            messages.success(
                request, f"Project “{updated.name}” deactivated: its site no longer answers."
            )
        return done(request, reverse("projects:detail", args=[detail.id]))

    return _confirm_on_project(
        request,
        detail,
        verb="Deactivate",
        title="Deactivate this project?",
        consequence="Its site stops answering visitors until you activate it again. "
        "Its database, files, rules and backups are kept.",
        submit="Deactivate project",
        url_name="projects:active",
        testid="deactivate-dialog",
        form_class=ProjectActiveForm,
        form_kwargs={"initial": {"active": "false"}},
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def project_delete(request: HttpRequest, project: str) -> HttpResponse:
    """Confirm by typing the project's name, then delete it and everything in it."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_project(detail.id, idempotency_key=data["idempotency_key"])
        messages.success(request, f"Project “{detail.name}” deleted.")
        return done(request, reverse("projects:list"))

    return _confirm_on_project(
        request,
        detail,
        verb="Delete",
        title="Delete this project?",
        consequence="Its site goes offline and its database, files, domains, rules, "
        "variables and backups are deleted from Agiler for good. This cannot be undone.",
        submit="Delete project",
        url_name="projects:delete",
        testid="delete-dialog",
        form_class=ProjectDeleteForm,
        form_kwargs={"project_name": detail.name},
        perform=perform,
    )

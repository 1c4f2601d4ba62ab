"""Workspace pages: the list, one workspace (members, invites, projects, billing transfer),
members CSV export, and workspace creation.

Everything here is read from Agiler on each request (no local copy to go stale); the one write,
creation, goes through the client so it is audited by construction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from portal.accounts.access import requires
from portal.agiler import AgilerClient, BadRequest, NotFound
from portal.lib.csv import csv_download
from portal.lib.forms import new_idempotency_key, rekey
from portal.lib.htmx import is_fragment
from portal.lib.parallel import run_concurrently
from portal.tokens.service import agiler_for
from portal.workspaces import exports
from portal.workspaces.forms import MemberFilterForm, WorkspaceCreateForm
from portal.workspaces.members import (
    member_row,
    select_rows,
    status_counts,
    without_mfa,
)
from portal.workspaces.names import forget_names, remember_names

#: Projects shown on a workspace page; the rest are one click away on the projects list.
WORKSPACE_PROJECTS_SHOWN = 25


@require_GET
@requires("workspaces.read")
def workspace_list(request: HttpRequest) -> HttpResponse:
    """The caller's workspaces with their role there, MFA requirement and creation date."""
    client = agiler_for(request.user, request=request)
    workspaces = sorted(
        client.paginate(client.list_workspaces, limit=100), key=lambda ws: ws.name.lower()
    )
    remember_names(request.user, workspaces)  # the projects list names them from this too
    context = {"page_title": "Workspaces", "workspaces": workspaces}
    template = "workspaces/list.html#workspaces-table" if is_fragment(request) else None
    return render(request, template or "workspaces/list.html", context)


def _members(client: AgilerClient, workspace: str) -> list[Any]:
    return list(client.paginate(client.list_workspace_members, workspace, limit=100))


def _transfer(client: AgilerClient, workspace: str) -> Any:
    """The pending billing transfer, or None: Agiler answers 404 when there is none."""
    try:
        return client.get_billing_transfer(workspace)
    except NotFound:
        return None


def _table_context(request: HttpRequest, members: list[Any], workspace: str) -> dict[str, Any]:
    form = MemberFilterForm(request.GET or None)
    filters = form.filters()
    now = timezone.now()
    rows = [member_row(member, now=now) for member in members]
    shown = select_rows(rows, **filters)
    query = request.GET.copy()
    query.pop("sort", None)
    base = reverse("workspaces:detail", args=[workspace])
    return {
        "columns": _columns(base, query.urlencode(), filters["sort"]),
        "form": form,
        "filters": filters,
        "rows": shown,
        "all_rows": rows,
        "counts": status_counts(rows),
        "filtered": any(filters[key] for key in ("q", "status", "role")),
        "query": request.GET.urlencode(),
        "table_url": base,
    }


#: (sort key, header) of the sortable columns of the members table
COLUMNS = [
    ("name", "Name"),
    ("email", "Email"),
    ("role", "Role"),
    ("status", "Status"),
    ("mfa", "MFA"),
    ("since", "Joined / invited"),
    ("expires", "Invite expires"),
]


def _columns(base: str, query: str, current: str) -> list[dict[str, str]]:
    """Header cells with the URL that sorts by them (toggling direction) and their aria-sort."""
    prefix = f"{base}?{query}&" if query else f"{base}?"
    columns = []
    for key, label in COLUMNS:
        if current == key:
            order, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            order, next_sort = "descending", key
        else:
            order, next_sort = "none", key
        columns.append(
            {"key": key, "label": label, "url": f"{prefix}sort={next_sort}", "aria_sort": order}
        )
    return columns


@require_GET
@requires("workspaces.read")
def workspace_detail(request: HttpRequest, workspace: str) -> HttpResponse:
    """One workspace: summary, members and invites, its projects, the billing transfer."""
    client = agiler_for(request.user, request=request)
    if is_fragment(request):
        # The filter form, search box and sort links only ever swap the members table.
        context = _table_context(request, _members(client, workspace), workspace)
        context["workspace_id"] = workspace
        return render(request, "workspaces/detail.html#members-table", context)
    found = run_concurrently(
        {
            "workspace": lambda: client.get_workspace(workspace),
            "members": lambda: _members(client, workspace),
            "transfer": lambda: _transfer(client, workspace),
            "projects": lambda: client.list_projects(
                workspace_id=workspace, limit=WORKSPACE_PROJECTS_SHOWN
            ),
        }
    )
    ws = found["workspace"]
    context = _table_context(request, found["members"], workspace)
    context.update(
        {
            "page_title": ws.name,
            "workspace": ws,
            "workspace_id": workspace,
            "transfer": found["transfer"],
            "projects": found["projects"],
            "no_mfa": without_mfa(context["all_rows"]) if ws.require_mfa else [],
            "crumbs": [
                {"label": "Workspaces", "url": reverse("workspaces:list")},
                {"label": ws.name, "url": ""},
            ],
        }
    )
    return render(request, "workspaces/detail.html", context)


@require_GET
@requires("workspaces.read")
def members_export(request: HttpRequest, workspace: str) -> StreamingHttpResponse:
    """The members table (with the page's filters) as a streamed CSV; the export is audited."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "workspace": lambda: client.get_workspace(workspace),
            "members": lambda: _members(client, workspace),
        }
    )
    ws = found["workspace"]
    context = _table_context(request, found["members"], workspace)
    lines, filename = exports.members_export(
        actor=request.user,
        request=request,
        workspace=ws,
        rows=context["rows"],
        filters=context["filters"],
    )
    return csv_download(lines, filename=filename)


@require_http_methods(["GET", "POST"])
@requires("workspaces.write")
def workspace_create(request: HttpRequest) -> HttpResponse:
    """Create a workspace (the caller's token becomes its owner). Idempotent per rendered form."""
    if request.method == "POST":
        form = WorkspaceCreateForm(request.POST)
        if form.is_valid():
            client = agiler_for(request.user, request=request)
            try:
                ws = client.create_workspace(
                    name=form.cleaned_data["name"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except BadRequest as error:
                form.add_error("name" if error.field in (None, "", "name") else None, error.message)
                rekey(form)
            else:
                messages.success(request, f"Workspace “{ws.name}” created.")
                url = reverse("workspaces:detail", args=[ws.id])
                if is_fragment(request):
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            finally:
                # Created, or maybe created (a timeout): the projects list asks for names anew.
                forget_names(request.user)
    else:
        form = WorkspaceCreateForm(initial={"idempotency_key": new_idempotency_key()})
    context = {
        "page_title": "New workspace",
        "form": form,
        "crumbs": [
            {"label": "Workspaces", "url": reverse("workspaces:list")},
            {"label": "New workspace", "url": ""},
        ],
    }
    template = "workspaces/create.html#create-form" if is_fragment(request) else None
    status = 400 if request.method == "POST" else 200
    return render(request, template or "workspaces/create.html", context, status=status)

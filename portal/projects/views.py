"""Project pages: the list across workspaces (cursor-paginated) and a project's home."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.accounts.access import requires
from portal.agiler.service import agiler_for
from portal.audit.queries import visible_events
from portal.core.htmx import is_fragment
from portal.core.parallel import run_concurrently
from portal.projects.forms import ProjectActiveForm, new_idempotency_key
from portal.projects.navigation import areas_for

PAGE_SIZE = 25
#: How many earlier cursors the URL remembers for "Previous"; past that, "First page" remains.
MAX_TRAIL = 50
#: Project statuses during which a restore replaces the live site.
RESTORE_STATUSES = frozenset({"draining", "restoring"})
RECENT_EVENTS = 10


def _workspace_names(client: Any) -> dict[str, str]:
    return {ws.id: ws.name for ws in client.paginate(client.list_workspaces, limit=100)}


def _page_url(workspace: str, cursor: str | None, trail: list[str]) -> str:
    """The list URL for one page. ``trail`` holds the cursors of the pages before it ("" for
    the first), so Previous works with a forward-only upstream cursor."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    if workspace:
        query["workspace"] = workspace
    if cursor:
        query["cursor"] = cursor
        query.setlist("prev", trail[-MAX_TRAIL:])
    encoded = query.urlencode()
    return reverse("projects:list") + (f"?{encoded}" if encoded else "")


@require_GET
@requires("projects.read")
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects across the caller's workspaces, one upstream page at a time."""
    workspace = request.GET.get("workspace", "").strip()
    cursor = request.GET.get("cursor", "").strip() or None
    trail = request.GET.getlist("prev") if cursor else []
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            # Only one page is ever fetched: a 10,000-project account costs the same as ten.
            "page": lambda: client.list_projects(
                workspace_id=workspace or None, cursor=cursor, limit=PAGE_SIZE
            ),
            "workspaces": lambda: _workspace_names(client),
        }
    )
    page = found["page"]
    names: dict[str, str] = found["workspaces"]
    next_url = (
        _page_url(workspace, page.next_cursor, [*trail, cursor or ""]) if page.next_cursor else ""
    )
    prev_url = ""
    if cursor:
        prev_url = _page_url(workspace, trail[-1] if trail else None, trail[:-1])
    context = {
        "page_title": "Projects",
        "projects": [
            {"project": p, "workspace_name": names.get(p.workspace_id, "")} for p in page.items
        ],
        "workspaces": sorted(names.items(), key=lambda item: item[1].lower()),
        "workspace": workspace,
        "workspace_name": names.get(workspace, ""),
        "next_url": next_url,
        "prev_url": prev_url,
        "first_url": _page_url(workspace, None, []) if cursor else "",
        "page_number": len(trail) + 1 if cursor else 1,
        "list_url": reverse("projects:list"),
    }
    template = "projects/list.html#projects-table" if is_fragment(request) else "projects/list.html"
    return render(request, template, context)


@require_GET
@requires("projects.read")
def project_detail(request: HttpRequest, project: str) -> HttpResponse:
    """A project's home: its details, links to its areas, and recent audit events."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "workspaces": lambda: _workspace_names(client),
        }
    )
    detail = found["project"]
    events = list(
        visible_events(request.user).filter(project_id=detail.id).order_by("-id")[:RECENT_EVENTS]
    )
    context = {
        "page_title": detail.name,
        "project": detail,
        "workspace_name": found["workspaces"].get(detail.workspace_id, ""),
        "areas": areas_for(request.user, detail.id),
        "restoring": detail.status in RESTORE_STATUSES,
        # The switch asks for the opposite state; its key makes a double click one change.
        "active_form": ProjectActiveForm(
            initial={
                "idempotency_key": new_idempotency_key(),
                "active": str(not detail.active).lower(),
            }
        ),
        "events": events,
        "crumbs": [
            {"label": "Projects", "url": reverse("projects:list")},
            {"label": detail.name, "url": ""},
        ],
    }
    template = (
        "projects/detail.html#project-detail" if is_fragment(request) else "projects/detail.html"
    )
    return render(request, template, context)

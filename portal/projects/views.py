"""Project pages: the list across workspaces (filtered, cursor-paginated) and a project's home."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.defaultfilters import pluralize, truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.audit.queries import visible_events
from portal.backups.restores import RESTORE_STATUSES
from portal.core.templatetags.portal_tags import when
from portal.lib.forms import new_idempotency_key
from portal.lib.htmx import render_page
from portal.lib.pager import Pager
from portal.lib.parallel import run_concurrently
from portal.lib.urls import url_maker
from portal.projects import catalogs, dashboard
from portal.projects.catalogs import CatalogEntry
from portal.projects.forms import ProjectActiveForm
from portal.projects.listing import (
    ACTIVE_CHOICES,
    STATUSES,
    Position,
    ProjectFilters,
    ScanResult,
    scan,
    status_badge,
)
from portal.projects.navigation import areas_for
from portal.tokens.service import agiler_for
from portal.workspaces.names import covering_page, fetch_names, kept_names

#: How many earlier positions the URL remembers for "Previous"; past that, "First page" remains.
MAX_TRAIL = 50
#: Project statuses during which a restore replaces the live site.
RECENT_EVENTS = 10


def _page_url(filters: ProjectFilters, at: Position, trail: list[str]) -> str:
    """The list URL for the page starting at ``at``. ``trail`` holds the encoded positions of
    the pages before it ("" for the first), so Previous works with a forward-only cursor."""
    query = QueryDict(mutable=True)
    query.update(filters.params())
    if at.cursor or at.skip:
        if at.cursor:
            query["cursor"] = at.cursor
        if at.skip:
            query["skip"] = str(at.skip)
        query.setlist("prev", trail[-MAX_TRAIL:])
    encoded = query.urlencode()
    return reverse("projects:list") + (f"?{encoded}" if encoded else "")


def _options(pairs: Iterable[tuple[str, str]], current: str) -> list[tuple[str, str, bool]]:
    """A filter's ``<option>``s: (value, label, selected), worked out once here, not compared
    option by option in the template."""
    return [(value, label, value == current) for value, label in pairs]


def _choices(entries: list[CatalogEntry], current: str) -> list[tuple[str, str, bool]]:
    """A catalog as select options; a value no longer in it (an old link) stays selectable."""
    options = _options(((entry.id, entry.label) for entry in entries), current)
    if current and not any(selected for _, _, selected in options):
        options.append((current, f"{current} (not in the catalog)", True))
    return options


#: One row of the projects table. The list page's hottest markup, so it is put together here
#: rather than by a template loop: each row's eleven lookups, escapes and conditions through
#: Django's template engine made the 25 rows a quarter of the whole page's work (callgrind:
#: 21.3M -> 16.2M instructions per request; issue 14: page cost). Django's admin builds its
#: change-list cells in Python for the same reason. The status badge is
#: projects/_status_badge.html's markup (tests/projects/test_views.py holds them alike).
_ROW = (
    '<tr data-testid="project-row">'
    '<td><a href="{url}">{name}</a></td>'
    '<td><span class="badge {badge_class}" data-testid="status-badge">{badge_words}</span>'
    "{inactive}</td>"
    "<td>{workspace}</td>"
    "<td>{region}</td>"
    "<td>{runtime}</td>"
    '<td class="text-secondary text-nowrap">{updated}</td>'
    "</tr>"
)
_INACTIVE = ' <span class="badge bg-orange-lt">Inactive</span>'


def _row(
    project: Any,
    names: Mapping[str, str],
    project_url: Callable[[object], str],
    workspace_url: Callable[[object], str],
) -> SafeString:
    """One table row's markup (``_ROW``); every value from Agiler is escaped."""
    badge_class, badge_words = status_badge(project.status)
    workspace = project.workspace_id
    workspace_name = names.get(workspace, "")
    if workspace_name:
        href = escape(workspace_url(workspace))
        cell = f'<a class="text-reset" href="{href}">{escape(workspace_name)}</a>'
    else:  # the id stands in for a workspace the list could not name (rare)
        cell = f'<code class="small">{escape(truncatechars(workspace, 13))}</code>'
    return mark_safe(  # noqa: S308 - each value below is escaped, the rest is constant
        _ROW.format(
            url=escape(project_url(project.id)),
            name=escape(project.name),
            badge_class=escape(badge_class),
            badge_words=escape(badge_words),
            inactive="" if project.active else _INACTIVE,
            workspace=cell,
            region=escape(project.region),
            runtime=escape(project.runtime),
            updated=when(project.updated_at),  # markup: when() escapes what it shows
        )
    )


@require_GET
@requires("projects.read")
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects across the caller's workspaces, filtered, one bounded scan per page."""
    filters = ProjectFilters.from_query(request.GET)
    start = Position.from_query(request.GET)
    first = start == Position()
    trail = [] if first else request.GET.getlist("prev")
    client = agiler_for(request.user, request=request)
    # The catalogs are nearly always cached: read them here (one cache round trip for both)
    # rather than hand the reads to the thread pool; only a miss goes upstream.
    regions, runtimes = catalogs.cached()
    # The workspace names, kept a few seconds per process (portal.workspaces.names): on most
    # requests the page's one upstream call is the scan, made on this thread.
    kept = kept_names(request.user, covering=[filters.workspace])
    found: dict[str, Any] = {"regions": regions, "runtimes": runtimes, "workspaces": kept}
    calls: dict[str, Any] = {
        # A bounded scan: a 10,000-project account costs the same per page as ten.
        "scan": lambda: scan(client, filters, start),
    }
    if kept is None:
        calls["workspaces"] = lambda: fetch_names(request.user, client)
    if found["regions"] is None:
        calls["regions"] = lambda: catalogs.regions(client)
    if found["runtimes"] is None:
        calls["runtimes"] = lambda: catalogs.runtimes(client)
    found.update(run_concurrently(calls))
    result: ScanResult = found["scan"]
    names = covering_page(
        request.user,
        client,
        found["workspaces"],
        (p.workspace_id for p in result.items),
        just_read=kept is None,
    )
    project_url, workspace_url = url_maker("projects:detail"), url_maker("workspaces:detail")
    next_url = _page_url(filters, result.next, [*trail, start.encode()]) if result.next else ""
    prev_url = ""
    if not first:
        prev_url = _page_url(filters, Position.decode(trail[-1] if trail else ""), trail[:-1])
    budget_spent = filters.local and result.budget_spent
    context = {
        "page_title": "Projects",
        "projects": [_row(p, names, project_url, workspace_url) for p in result.items],
        "filters": filters,
        "workspaces": _options(
            sorted(((ws, name) for ws, name in names.items() if name), key=lambda i: i[1].lower()),
            filters.workspace,
        ),
        "regions": _choices(found["regions"], filters.region),
        "runtimes": _choices(found["runtimes"], filters.runtime),
        "statuses": _options(STATUSES, filters.status),
        "active_choices": _options(ACTIVE_CHOICES, filters.active),
        "workspace": filters.workspace,
        "workspace_name": names.get(filters.workspace, ""),
        "scanned": f"{result.scanned:,}",
        "budget_spent": budget_spent,
        "page_number": len(trail) + 1 if not first else 1,
        "page_summary": f"{len(result.items)} project{pluralize(len(result.items))} on this page",
        "next_url": next_url,
        "pager": Pager(
            number=len(trail) + 1 if not first else 1,
            first_url="" if first or len(trail) < 2 else _page_url(filters, Position(), []),
            prev_url=prev_url,
            next_url=next_url,
            next_label="Continue searching →"
            if filters.local and result.budget_spent
            else "Next →",
            label="Project pages",
        ),
        "clear_url": reverse("projects:list"),
        "list_url": reverse("projects:list"),
    }
    return render_page(request, "projects/list.html", context, fragment="projects-table")


@require_GET
@requires("projects.read")
def project_detail(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """A project's home, the page an operator opens first: site, backups, traffic, recent
    errors and counts, loaded concurrently (see ``portal.projects.dashboard``)."""
    client = agiler_for(request.user, request=request)
    found = dashboard.load(
        client,
        request.user,
        project,
        {"workspaces": dashboard.guard(lambda: fetch_names(request.user, client))},
    )
    detail = found["project"]
    names, _ = found["workspaces"]
    events = list(
        visible_events(request.user).filter(project_id=detail.id).order_by("-id")[:RECENT_EVENTS]
    )
    context = {
        "page_title": detail.name,
        "project": detail,
        "cards": found["cards"],
        "workspace_name": (names or {}).get(detail.workspace_id, ""),
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
    return render_page(request, "projects/detail.html", context, fragment="project-detail")

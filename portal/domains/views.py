"""Domains pages: the list (primary first), add, make primary, remove.

Each view: one role decorator, resolve the project (and domain) on Agiler, validate the form,
call the client, render. Writes go through the client, so they are audited by construction (the
domain's name labels the event). Agiler's own 400 or 409 on an add lands on the field.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import AgilerClient, BadRequest, Conflict
from portal.domains.forms import AddDomainForm, MakePrimaryForm, RemoveDomainForm
from portal.domains.names import to_unicode
from portal.domains.services import (
    Domain,
    all_domains,
    find_domain,
    present,
    primary_domain,
    removal_consequence,
)
from portal.lib.confirm import Confirmation, confirm
from portal.lib.forms import add_refusal
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.lib.pager import CursorTrail, with_query
from portal.projects.area_pages import area_crumbs, with_project, write_controls
from portal.tokens.scopes import scope_gate
from portal.tokens.service import agiler_for

PAGE_SIZE = 25
WRITE_SCOPE = "projects.domains:write"


def list_url(project: str) -> str:
    return reverse("domains:list", args=[project])


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Domains › *tail."""
    return area_crumbs(project, "Domains", list_url(project.id), *tail)


def write_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return write_controls(request.user, WRITE_SCOPE)


@require_GET
@requires("projects.read")
def domain_list(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """The project's domains, the primary one (the site's address) pinned first."""
    trail = CursorTrail.from_request(request)
    client = agiler_for(request.user, request=request)
    calls: dict[str, Any] = {
        "page": lambda: client.list_domains(project, cursor=trail.cursor, limit=PAGE_SIZE)
    }
    if not trail.cursor:
        calls["primary"] = lambda: primary_domain(client, project)
    detail, found = with_project(client, project, calls, wanted=not is_fragment(request))
    page = found["page"]
    rows: list[Domain] = [present(entry) for entry in page.items if not entry.primary]
    if found.get("primary"):
        rows.insert(0, found["primary"])
    project_id = detail.id if detail else project
    base = list_url(project_id)
    context: dict[str, Any] = {
        "project_id": project_id,
        "domains": rows,
        "page_number": trail.number,
        "pager": trail.pager(
            page.next_cursor,
            url=lambda query: with_query(base, query),
            label="Domain pages",
        ),
        **write_context(request),
    }
    if detail:
        context.update(
            {
                "page_title": f"Domains of {detail.name}",
                "project": detail,
                "form": AddDomainForm.fresh(),
                "crumbs": crumbs(detail),
            }
        )
    return render_page(request, "domains/list.html", context, fragment="domains-table")


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def domain_add(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Attach a domain (optionally as the site's address)."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    status = 200
    if request.method == "POST":
        form = AddDomainForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = client.create_domain(
                    detail.id,
                    name=data["name"],
                    primary=bool(data["primary"]),
                    idempotency_key=data["idempotency_key"],
                )
            except (BadRequest, Conflict) as error:
                add_refusal(form, error)
            else:
                shown = to_unicode(created.name)
                sent = f" (sent to Agiler as {created.name})" if shown != created.name else ""
                address = " It is now the site's address." if created.primary else ""
                messages.success(request, f"Domain {shown} added{sent}.{address}")
                return done(request, list_url(detail.id))
        status = form_status(request)
    else:
        form = AddDomainForm.fresh()
    context = {
        "page_title": f"Add a domain to {detail.name}",
        "project": detail,
        "project_id": detail.id,
        "form": form,
        "crumbs": crumbs(detail, ("Add", "")),
        **write_context(request),
    }
    return render_page(request, "domains/add.html", context, fragment="domain-form", status=status)


def _project_and_domains(client: AgilerClient, project: str) -> tuple[Any, list[Domain]]:
    detail, found = with_project(client, project, {"domains": lambda: all_domains(client, project)})
    return detail, found["domains"]


def _dialog(
    request: HttpRequest,
    detail: Any,
    confirmation: Confirmation,
    *,
    form_class: Any,
    perform: Any,
    crumb: str,
) -> HttpResponse:
    gate = scope_gate(request.user, WRITE_SCOPE)
    if not gate.allowed and not confirmation.blocked:
        confirmation = replace(confirmation, blocked=gate.reason)
    return confirm(
        request,
        confirmation,
        form_class=form_class,
        perform=perform,
        refusals={
            Conflict: lambda e: f"Refused by Agiler: {e.message} Nothing was changed.",
            BadRequest: lambda e: f"Refused by Agiler: {e.message} Nothing was changed.",
        },
        template="domains/confirm.html",
        fragment="domain-dialog",
        context={"page_title": crumb, "project": detail, "crumbs": crumbs(detail, (crumb, ""))},
    )


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def domain_primary(request: HttpRequest, project: str, domain: str) -> HttpResponse:
    """Confirm, then make a domain the site's address."""
    client = agiler_for(request.user, request=request)
    detail, domains = _project_and_domains(client, project)
    entry = find_domain(domains, domain)
    current = next((d for d in domains if d.primary), None)

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.update_domain(
            detail.id,
            entry.id,
            primary=True,
            idempotency_key=data["idempotency_key"],
            audit_name=entry.name,
        )
        messages.success(request, f"The site's address is now {entry.display}.")
        return done(request, list_url(detail.id))

    if current and current.id != entry.id:
        consequence = (
            f"The site's address changes from {current.display} to {entry.display}. "
            f"{current.display} stays attached as a secondary domain."
        )
    else:
        consequence = f"The site's address becomes {entry.display}; it has none now."
    blocked = ""
    if entry.wildcard:
        blocked = "A wildcard domain cannot be the site's address."
    elif entry.primary:
        blocked = f"{entry.display} is already the site's address."
    return _dialog(
        request,
        detail,
        Confirmation(
            title="Change the site's address?",
            object=f"{entry.display} on {detail.name}",
            consequence=consequence,
            submit=f"Make {entry.display} primary",
            action=reverse("domains:primary", args=[detail.id, entry.id]),
            cancel_url=list_url(detail.id),
            blocked=blocked,
            testid="primary-dialog",
        ),
        form_class=MakePrimaryForm,
        perform=perform,
        crumb="Make primary",
    )


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def domain_remove(request: HttpRequest, project: str, domain: str) -> HttpResponse:
    """Confirm, then detach a domain from the project."""
    client = agiler_for(request.user, request=request)
    detail, domains = _project_and_domains(client, project)
    entry = find_domain(domains, domain)

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_domain(
            detail.id, entry.id, idempotency_key=data["idempotency_key"], audit_name=entry.name
        )
        messages.success(request, f"Domain {entry.display} removed.")
        return done(request, list_url(detail.id))

    return _dialog(
        request,
        detail,
        Confirmation(
            title="Remove this domain?",
            object=f"{entry.display} on {detail.name}",
            consequence=removal_consequence(entry, domains),
            submit="Remove domain",
            action=reverse("domains:remove", args=[detail.id, entry.id]),
            cancel_url=list_url(detail.id),
            testid="remove-dialog",
        ),
        form_class=RemoveDomainForm,
        perform=perform,
        crumb="Remove domain",
    )

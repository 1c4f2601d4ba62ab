"""Backups pages: the list, take a backup, one backup, the policy, restore status and history.

Each view: one role decorator, resolve the project (and backup) on Agiler, validate the form,
call the client, render. Writes go through the client, so they are audited by construction.
``AgilerError`` propagates to the error middleware, except upstream field errors on the policy,
which go onto their field. Downloads, delete and restore live in ``actions.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.access import requires
from portal.agiler import BadRequest
from portal.backups.forms import PolicyForm, TakeBackupForm
from portal.backups.history import backup_history, project_restores
from portal.backups.pages import crumbs, list_url
from portal.backups.restores import restore_banner
from portal.backups.services import backup_label, find_backup
from portal.lib.forms import add_refusal
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.lib.pager import CursorTrail, with_query
from portal.lib.parallel import run_concurrently
from portal.tokens.service import agiler_for

PAGE_SIZE = 25


# --- the list and the take-a-backup button ------------------------------------------------------


def _table_context(project_id: str, page: Any, trail: CursorTrail) -> dict[str, Any]:
    base = list_url(project_id)
    return {
        "project_id": project_id,
        "backups": page.items,
        "page_number": trail.number,
        "pager": trail.pager(
            page.next_cursor,
            url=lambda query: with_query(base, query),
            prev_label="Newer",
            next_label="Older",
            label="Backups pages",
        ),
    }


@require_GET
@requires("backups.read")
def backup_list(request: HttpRequest, project: str) -> HttpResponse:
    """Every backup of the project, newest first, one upstream page at a time."""
    trail = CursorTrail.from_request(request)
    cursor = trail.cursor
    client = agiler_for(request.user, request=request)
    if is_fragment(request):
        page = client.list_backups(project, cursor=cursor, limit=PAGE_SIZE)
        context = _table_context(project, page, trail)
        return render(request, "backups/list.html#backups-table", context)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "page": lambda: client.list_backups(project, cursor=cursor, limit=PAGE_SIZE),
            "policy": lambda: client.get_backup_policy(project),
        }
    )
    detail = found["project"]
    context = _table_context(detail.id, found["page"], trail)
    context.update(
        {
            "page_title": f"Backups of {detail.name}",
            "project": detail,
            "policy": found["policy"],
            "take_form": TakeBackupForm.fresh(),
            "banner": restore_banner(detail, watching=False),
            "crumbs": crumbs(detail),
        }
    )
    return render(request, "backups/list.html", context)


@requires("backups.create")
@require_POST
def backup_create(request: HttpRequest, project: str) -> HttpResponse:
    """Take an on-demand backup now; the form's key makes a double submit one backup."""
    form = TakeBackupForm(request.POST)
    if not form.is_valid():
        # Without its key the request could not be made safe to retry: ask for a fresh page.
        messages.error(request, "The form had expired. Press “Take a backup now” again.")
        return done(request, list_url(project))
    client = agiler_for(request.user, request=request)
    created = client.create_backup(project, idempotency_key=form.cleaned_data["idempotency_key"])
    if not is_fragment(request):
        messages.success(request, f"Backup started ({backup_label(created)}).")
        return redirect(list_url(project))
    # The first page again, so the new row shows (polling until done) even if this was a replay,
    # plus a fresh form out of band: the next deliberate click is a new backup.
    page = client.list_backups(project, limit=PAGE_SIZE)
    context = _table_context(project, page, CursorTrail(cursor=None))
    context.update({"take_form": TakeBackupForm.fresh(), "oob": True, "project_id": project})
    html = render_to_string("backups/list.html#backups-table", context, request)
    html += render_to_string("backups/list.html#take-backup", context, request)
    messages.success(request, f"Backup started ({backup_label(created)}).")
    return HttpResponse(html)


@require_GET
@requires("backups.read")
def backup_detail(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """One backup and its history; as htmx, its table row (which polls while it runs)."""
    client = agiler_for(request.user, request=request)
    if is_fragment(request):
        entry = find_backup(client, project, backup)
        return render(
            request, "backups/detail.html#backup-row", {"backup": entry, "project_id": project}
        )
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "backup": lambda: find_backup(client, project, backup),
        }
    )
    detail, entry = found["project"], found["backup"]
    context = {
        "page_title": f"Backup {backup_label(entry)}",
        "project": detail,
        "project_id": detail.id,
        "backup": entry,
        "events": backup_history(detail.id, entry.id),
        "crumbs": crumbs(detail, (backup_label(entry), "")),
    }
    return render(request, "backups/detail.html", context)


# --- policy -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("backups.write")
def policy_edit(request: HttpRequest, project: str) -> HttpResponse:
    """View and change how often automatic backups run and how long backups are kept."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                client.update_backup_policy(
                    detail.id,
                    frequency_days=data["frequency_days"],
                    retention_days=data["retention_days"],
                    idempotency_key=data["idempotency_key"],
                )
            except BadRequest as error:
                add_refusal(form, error)
            else:
                kept = f"kept {data['retention_days']} days"
                messages.success(
                    request,
                    f"Backup policy saved: every {data['frequency_days']} days, {kept}."
                    if data["frequency_days"]
                    else f"Automatic backups turned off; backups {kept}.",
                )
                return done(request, list_url(detail.id))
        status = form_status(request)
    else:
        policy = client.get_backup_policy(detail.id)
        form = PolicyForm.fresh(
            initial={
                "frequency_days": policy.frequency_days,
                "retention_days": policy.retention_days,
            }
        )
    context = {
        "page_title": "Backup policy",
        "project": detail,
        "form": form,
        "crumbs": crumbs(detail, ("Policy", "")),
    }
    return render_page(
        request, "backups/policy.html", context, fragment="policy-form", status=status
    )


# --- restore status and history -----------------------------------------------------------------


@require_GET
@requires("backups.read")
def restores(request: HttpRequest, project: str) -> HttpResponse:
    """The project's restore status and history; as htmx, the (polling) restore banner."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    watching = request.GET.get("watching") == "1"
    banner = restore_banner(detail, watching=watching)
    if is_fragment(request):
        response = render(request, "backups/restores.html#restore-banner", {"banner": banner})
        if watching and banner.state == "finished":
            # The project's details on the page are stale now: tell them to refresh.
            response["HX-Trigger"] = "portal:restore-finished"
        return response
    context = {
        "page_title": f"Restores of {detail.name}",
        "project": detail,
        "banner": banner,
        "events": project_restores(detail.id),
        "crumbs": crumbs(detail, ("Restores", "")),
    }
    return render(request, "backups/restores.html", context)

"""Backups pages: list, take a backup, policy, download, delete, restore, restore status.

Each view: one role decorator, resolve the project (and backup) on Agiler, validate the form,
call the client, render. Writes go through the client, so they are audited by construction;
downloads are recorded by the client's sensitive-read hook. ``AgilerError`` propagates to the
error middleware, except where a page explains it better in place (a 409 on restore or delete,
field errors on the policy).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from portal.accounts.access import requires
from portal.agiler import BadRequest, Conflict
from portal.agiler.service import agiler_for
from portal.backups.forms import (
    DeleteBackupForm,
    PolicyForm,
    RestoreForm,
    TakeBackupForm,
    new_idempotency_key,
)
from portal.backups.history import backup_history, latest_restore, project_restores
from portal.backups.restores import RESTORE_STATUSES, restore_banner
from portal.backups.services import (
    backup_label,
    download_filename,
    find_backup,
    in_progress,
)
from portal.workspaces.parallel import run_concurrently

PAGE_SIZE = 25
#: How many earlier cursors the URL remembers for "Previous"; past that, "Newest" remains.
MAX_TRAIL = 50
#: Relay chunk: big enough that per-chunk overhead vanishes, small enough to stay flat.
CHUNK_SIZE = 256 * 1024


def _is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def _form_status(request: HttpRequest) -> int:
    # htmx swaps only 2xx answers: a re-rendered form with errors must be one to be shown.
    return 200 if _is_fragment(request) else 400


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: navigate (htmx is told to, a plain form is redirected)."""
    return HttpResponseClientRedirect(url) if _is_fragment(request) else redirect(url)


def _list_url(project: str, cursor: str | None = None, trail: list[str] | None = None) -> str:
    base = reverse("backups:list", args=[project])
    if not cursor:
        return base
    query = QueryDict(mutable=True)
    query["cursor"] = cursor
    query.setlist("prev", (trail or [])[-MAX_TRAIL:])
    return f"{base}?{query.urlencode()}"


def _crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": "Backups", "url": reverse("backups:list", args=[project.id])},
    ]
    crumbs += [{"label": label, "url": url} for label, url in tail]
    return crumbs


# --- the list and the take-a-backup button ------------------------------------------------------


def _table_context(
    project_id: str, page: Any, cursor: str | None, trail: list[str]
) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "backups": page.items,
        "next_url": _list_url(project_id, page.next_cursor, [*trail, cursor or ""])
        if page.next_cursor
        else "",
        "prev_url": _list_url(project_id, trail[-1] if trail else None, trail[:-1])
        if cursor
        else "",
        "newest_url": _list_url(project_id) if cursor else "",
        "page_number": len(trail) + 1 if cursor else 1,
    }


@require_GET
@requires("backups.read")
def backup_list(request: HttpRequest, project: str) -> HttpResponse:
    """Every backup of the project, newest first, one upstream page at a time."""
    cursor = request.GET.get("cursor", "").strip() or None
    trail = request.GET.getlist("prev") if cursor else []
    client = agiler_for(request.user, request=request)
    if _is_fragment(request):
        page = client.list_backups(project, cursor=cursor, limit=PAGE_SIZE)
        context = _table_context(project, page, cursor, trail)
        return render(request, "backups/list.html#backups-table", context)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "page": lambda: client.list_backups(project, cursor=cursor, limit=PAGE_SIZE),
            "policy": lambda: client.get_backup_policy(project),
        }
    )
    detail = found["project"]
    context = _table_context(detail.id, found["page"], cursor, trail)
    context.update(
        {
            "page_title": f"Backups of {detail.name}",
            "project": detail,
            "policy": found["policy"],
            "take_form": TakeBackupForm.fresh(),
            "banner": restore_banner(detail, watching=False),
            "crumbs": _crumbs(detail)[:-1] + [{"label": "Backups", "url": ""}],
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
        return _done(request, _list_url(project))
    client = agiler_for(request.user, request=request)
    created = client.create_backup(project, idempotency_key=form.cleaned_data["idempotency_key"])
    if not _is_fragment(request):
        messages.success(request, f"Backup started ({backup_label(created)}).")
        return redirect(_list_url(project))
    # The first page again, so the new row shows (polling until done) even if this was a replay,
    # plus a fresh form out of band: the next deliberate click is a new backup.
    page = client.list_backups(project, limit=PAGE_SIZE)
    context = _table_context(project, page, None, [])
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
    if _is_fragment(request):
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
        "crumbs": _crumbs(detail, (backup_label(entry), "")),
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
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
                # Refused, nothing changed: the corrected form is a new request under a new key.
                fresh = request.POST.copy()
                fresh["idempotency_key"] = new_idempotency_key()
                form.data = fresh
            else:
                kept = f"kept {data['retention_days']} days"
                messages.success(
                    request,
                    f"Backup policy saved: every {data['frequency_days']} days, {kept}."
                    if data["frequency_days"]
                    else f"Automatic backups turned off; backups {kept}.",
                )
                return _done(request, _list_url(detail.id))
        status = _form_status(request)
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
        "crumbs": _crumbs(detail, ("Policy", "")),
    }
    template = "backups/policy.html#policy-form" if _is_fragment(request) else "backups/policy.html"
    return render(request, template, context, status=status)


# --- downloads ----------------------------------------------------------------------------------


def _download(request: HttpRequest, project: str, backup: str, part: str) -> HttpResponse:
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "backup": lambda: find_backup(client, project, backup),
        }
    )
    detail, entry = found["project"], found["backup"]
    if in_progress(entry) or entry.status != "done":
        return render(
            request,
            "errors/fragment.html" if _is_fragment(request) else "errors/page.html",
            {
                "status": 409,
                "title": "This backup cannot be downloaded",
                "message": f"The backup is {entry.status}; only a finished backup can be "
                "downloaded.",
                "page_title": "Not downloadable",
            },
            status=409,
        )
    opener = (
        client.download_backup_database if part == "database" else client.download_backup_storage
    )
    # Any failure up to the headers raises here and becomes an error page; the attempt and its
    # outcome are recorded by the client's sensitive-read hook.
    download = opener(detail.id, entry.id)
    response = StreamingHttpResponse(
        download.iter_bytes(CHUNK_SIZE), content_type=download.headers.content_type
    )
    name = download_filename(detail.name, entry, part, download.headers)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if download.headers.content_length is not None:
        response["Content-Length"] = str(download.headers.content_length)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@require_GET
@requires("backups.download")
def download_database(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """The backup's database dump, relayed chunk by chunk."""
    return _download(request, project, backup, "database")


@require_GET
@requires("backups.download")
def download_storage(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """The backup's storage archive, relayed chunk by chunk."""
    return _download(request, project, backup, "storage")


# --- delete and restore (confirmation dialogs) --------------------------------------------------


def _dialog(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context["modal"] = _is_fragment(request)
    template = (
        "backups/confirm.html#backup-dialog" if _is_fragment(request) else "backups/confirm.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@requires("backups.write")
def backup_delete(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """Confirm, then delete one backup."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "backup": lambda: find_backup(client, project, backup),
        }
    )
    detail, entry = found["project"], found["backup"]
    error = ""
    status = 200
    if request.method == "POST":
        form = DeleteBackupForm(request.POST)
        if form.is_valid():
            try:
                client.delete_backup(
                    detail.id, entry.id, idempotency_key=form.cleaned_data["idempotency_key"]
                )
            except Conflict as conflict:
                error = (
                    f"Agiler refused: {conflict.message} Nothing was deleted; try again once "
                    "the backup has finished."
                )
                form = DeleteBackupForm.fresh()
                status = _form_status(request)
            else:
                messages.success(request, f"Backup {backup_label(entry)} deleted.")
                return _done(request, _list_url(detail.id))
        else:
            form = DeleteBackupForm.fresh()
            status = _form_status(request)
    else:
        form = DeleteBackupForm.fresh()
    blocked = (
        "This backup is still being taken; it can be deleted once it has finished."
        if in_progress(entry)
        else ""
    )
    context = {
        "page_title": "Delete backup",
        "project": detail,
        "crumbs": _crumbs(detail, ("Delete backup", "")),
        "form": form,
        "title": "Delete this backup?",
        "object": f"The {backup_label(entry)} backup of {detail.name}",
        "consequence": "Its database dump and storage archive are deleted from Agiler for good. "
        "The live site is not affected.",
        "submit": "Delete backup",
        "action": reverse("backups:delete", args=[detail.id, entry.id]),
        "cancel_url": _list_url(detail.id),
        "error": error,
        "blocked": blocked,
        "testid": "delete-dialog",
    }
    return _dialog(request, context, status=status)


def _restore_blocked(detail: Any) -> str:
    if detail.status not in RESTORE_STATUSES:
        return ""
    start = latest_restore(detail.id)
    who = f" (started by {start.actor} at {start.time:%H:%M:%S} UTC)" if start else ""
    return (
        f"A restore is already running on {detail.name}{who}. Wait for it to finish before "
        "starting another one."
    )


@require_http_methods(["GET", "POST"])
@requires("backups.restore")
def backup_restore(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """Confirm (typing the project's name), then start restoring the backup (202)."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "backup": lambda: find_backup(client, project, backup),
        }
    )
    detail, entry = found["project"], found["backup"]
    blocked = _restore_blocked(detail)
    if not blocked and entry.status != "done":
        blocked = f"This backup is {entry.status}: only a finished backup can be restored."
    error = ""
    status = 200
    if request.method == "POST" and not blocked:
        form = RestoreForm(request.POST, project_name=detail.name)
        if form.is_valid():
            data = form.cleaned_data
            try:
                client.restore_backup(
                    detail.id,
                    entry.id,
                    drain_requests=data["drain_requests"],
                    idempotency_key=data["idempotency_key"],
                )
            except Conflict as conflict:
                error = (
                    f"Agiler refused to start the restore: {conflict.message} Usually another "
                    "restore is still running on this project; nothing was changed."
                )
                form = RestoreForm.fresh(project_name=detail.name)
                status = _form_status(request)
            else:
                messages.success(
                    request,
                    f"Restore of the {backup_label(entry)} backup started. The site's database "
                    "and files are being replaced.",
                )
                return _done(request, reverse("projects:detail", args=[detail.id]))
        else:
            status = _form_status(request)
    else:
        form = RestoreForm.fresh(project_name=detail.name)
        if request.method == "POST":
            # Refused before asking Agiler; htmx needs a 2xx to show the dialog's explanation.
            status = 200 if _is_fragment(request) else 409
    context = {
        "page_title": "Restore backup",
        "project": detail,
        "crumbs": _crumbs(detail, ("Restore backup", "")),
        "form": form,
        "title": f"Restore {detail.name} from this backup?",
        "object": f"The {backup_label(entry)} backup of {detail.name}",
        "consequence": f"The live database and all stored files of {detail.name} are overwritten "
        f"with their state as of {entry.created_at:%Y-%m-%d %H:%M} UTC. Everything changed since "
        "then (posts, orders, uploads, users) is lost. This cannot be undone: take a backup "
        "now first if you may need today's data.",
        "submit": "Restore this backup",
        "action": reverse("backups:restore", args=[detail.id, entry.id]),
        "cancel_url": _list_url(detail.id),
        "error": error,
        "blocked": blocked,
        "testid": "restore-dialog",
    }
    return _dialog(request, context, status=status)


# --- restore status and history -----------------------------------------------------------------


@require_GET
@requires("backups.read")
def restores(request: HttpRequest, project: str) -> HttpResponse:
    """The project's restore status and history; as htmx, the (polling) restore banner."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    watching = request.GET.get("watching") == "1"
    banner = restore_banner(detail, watching=watching)
    if _is_fragment(request):
        return render(request, "backups/restores.html#restore-banner", {"banner": banner})
    context = {
        "page_title": f"Restores of {detail.name}",
        "project": detail,
        "banner": banner,
        "events": project_restores(detail.id),
        "crumbs": _crumbs(detail, ("Restores", "")),
    }
    return render(request, "backups/restores.html", context)

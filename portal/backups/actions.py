"""Backups actions that leave data or destroy it: downloads, delete and restore.

Downloads are relayed chunk by chunk and recorded by the client's sensitive-read hook; delete and
restore are confirmed in the one shared dialog (components/confirm.html) and go through the
client, so they are audited by construction. A 409 is explained in the dialog itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import requires
from portal.agiler import AgilerClient, Conflict
from portal.backups.forms import DeleteBackupForm, RestoreForm
from portal.backups.history import latest_restore
from portal.backups.pages import crumbs, list_url
from portal.backups.restores import RESTORE_STATUSES
from portal.backups.services import backup_label, download_filename, find_backup, in_progress
from portal.lib.confirm import Confirmation, confirm
from portal.lib.downloads import ARCHIVE_TYPES, allowed_type, relay
from portal.lib.forms import IdempotentForm
from portal.lib.htmx import done, is_fragment
from portal.lib.parallel import run_concurrently
from portal.tokens.service import agiler_for


def _project_and_backup(client: AgilerClient, project: str, backup: str) -> tuple[Any, Any]:
    """The project and one of its backups, fetched together (the project's failure first)."""
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "backup": lambda: find_backup(client, project, backup),
        }
    )
    return found["project"], found["backup"]


# --- downloads ----------------------------------------------------------------------------------


def _download(
    request: HttpRequest, project: str, backup: str, part: str
) -> HttpResponse | StreamingHttpResponse:
    client = agiler_for(request.user, request=request)
    detail, entry = _project_and_backup(client, project, backup)
    if in_progress(entry) or entry.status != "done":
        return render(
            request,
            "errors/fragment.html" if is_fragment(request) else "errors/page.html",
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
    # Always an attachment, under an archive type we name (never Agiler's header verbatim).
    return relay(
        download,
        request=request,
        content_type=allowed_type(download.headers.content_type, ARCHIVE_TYPES),
        filename=download_filename(detail.name, entry, part, download.headers),
        # Passed on read by read, or handed to nginx behind it (the relay; BENCHMARKS.md).
    )


@require_GET
@requires("backups.download")
def download_database(
    request: HttpRequest, project: str, backup: str
) -> HttpResponse | StreamingHttpResponse:
    """The backup's database dump, relayed chunk by chunk."""
    return _download(request, project, backup, "database")


@require_GET
@requires("backups.download")
def download_storage(
    request: HttpRequest, project: str, backup: str
) -> HttpResponse | StreamingHttpResponse:
    """The backup's storage archive, relayed chunk by chunk."""
    return _download(request, project, backup, "storage")


# --- delete and restore (confirmation dialogs) --------------------------------------------------


def _dialog(
    request: HttpRequest,
    detail: Any,
    confirmation: Confirmation,
    *,
    perform: Callable[[dict[str, Any]], HttpResponse],
    form_class: type[IdempotentForm],
    refused: str,
    crumb: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    return confirm(
        request,
        confirmation,
        form_class=form_class,
        form_kwargs=form_kwargs,
        perform=perform,
        refusals={Conflict: lambda conflict: refused.format(message=conflict.message)},
        template="backups/confirm.html",
        fragment="backup-dialog",
        context={"page_title": crumb, "project": detail, "crumbs": crumbs(detail, (crumb, ""))},
    )


@require_http_methods(["GET", "POST"])
@requires("backups.write")
def backup_delete(request: HttpRequest, project: str, backup: str) -> HttpResponse:
    """Confirm, then delete one backup."""
    client = agiler_for(request.user, request=request)
    detail, entry = _project_and_backup(client, project, backup)

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_backup(detail.id, entry.id, idempotency_key=data["idempotency_key"])
        messages.success(request, f"Backup {backup_label(entry)} deleted.")
        return done(request, list_url(detail.id))

    confirmation = Confirmation(
        title="Delete this backup?",
        object=f"The {backup_label(entry)} backup of {detail.name}",
        consequence="Its database dump and storage archive are deleted from Agiler for good. "
        "The live site is not affected.",
        submit="Delete backup",
        action=reverse("backups:delete", args=[detail.id, entry.id]),
        cancel_url=list_url(detail.id),
        blocked="This backup is still being taken; it can be deleted once it has finished."
        if in_progress(entry)
        else "",
        testid="delete-dialog",
    )
    return _dialog(
        request,
        detail,
        confirmation,
        perform=perform,
        form_class=DeleteBackupForm,
        refused="Agiler refused: {message} Nothing was deleted; try again once the backup has "
        "finished.",
        crumb="Delete backup",
    )


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
    detail, entry = _project_and_backup(client, project, backup)
    blocked = _restore_blocked(detail)
    if not blocked and entry.status != "done":
        blocked = f"This backup is {entry.status}: only a finished backup can be restored."

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.restore_backup(
            detail.id,
            entry.id,
            drain_requests=data["drain_requests"],
            idempotency_key=data["idempotency_key"],
        )
        messages.success(
            request,
            f"Restore of the {backup_label(entry)} backup started. The site's database "
            "and files are being replaced.",
        )
        return done(request, reverse("projects:detail", args=[detail.id]))

    confirmation = Confirmation(
        title=f"Restore {detail.name} from this backup?",
        object=f"The {backup_label(entry)} backup of {detail.name}",
        consequence=f"The live database and all stored files of {detail.name} are overwritten "
        f"with their state as of {entry.created_at:%Y-%m-%d %H:%M} UTC. Everything changed since "
        "then (posts, orders, uploads, users) is lost. This cannot be undone: take a backup "
        "now first if you may need today's data.",
        submit="Restore this backup",
        action=reverse("backups:restore", args=[detail.id, entry.id]),
        cancel_url=list_url(detail.id),
        blocked=blocked,
        testid="restore-dialog",
    )
    return _dialog(
        request,
        detail,
        confirmation,
        perform=perform,
        form_class=RestoreForm,
        form_kwargs={"project_name": detail.name},
        refused="Agiler refused to start the restore: {message} Usually another restore is "
        "still running on this project; nothing was changed.",
        crumb="Restore backup",
    )

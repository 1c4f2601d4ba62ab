"""Small helpers of the backups pages: find a backup, name it, name its downloads."""

from __future__ import annotations

import re
from typing import Any

from portal.agiler import AgilerClient, NotFound
from portal.agiler.types import ProjectBackupEntry

#: Statuses of a backup still being taken (the sandbox's; Agiler's list is unconfirmed).
IN_PROGRESS = frozenset({"pending", "running", "queued", "in_progress"})
#: Agiler has no "get one backup" operation: backups are found by walking the (newest-first)
#: list, which for a recent or polled backup means the first page only.
LOOKUP_PAGE_SIZE = 200


def find_backup(client: AgilerClient, project: str, backup_id: str) -> ProjectBackupEntry:
    """The backup ``backup_id`` of ``project``; NotFound when Agiler does not list it."""
    for entry in client.paginate(client.list_backups, project, limit=LOOKUP_PAGE_SIZE):
        if entry.id == backup_id:
            return entry
    raise NotFound(
        f"Agiler lists no backup {backup_id} for this project; it may have been deleted or "
        "expired.",
        status=404,
        code="not_found",
        resource="backup",
        id=backup_id,
    )


def in_progress(backup: ProjectBackupEntry) -> bool:
    """Whether the backup is still being taken (polling continues, actions wait)."""
    return backup.status in IN_PROGRESS


def backup_label(backup: ProjectBackupEntry) -> str:
    """How people name a backup: “2026-05-04 14:00 UTC on-demand”."""
    kind = "automatic" if backup.automatic else "on-demand"
    return f"{backup.created_at:%Y-%m-%d %H:%M} UTC {kind}"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_filename(
    project_name: str, backup: ProjectBackupEntry, part: str, headers: Any
) -> str:
    """``<project>-<created>-database.sql.gz`` (or ``-storage.tar.gz``), safe in any header.

    The extension follows what Agiler sent: a dump that is not gzip'd keeps ``.sql``.
    """
    project = _UNSAFE.sub("-", project_name).strip("-.") or "project"
    stamp = f"{backup.created_at:%Y%m%d-%H%M%S}"
    upstream = (headers.filename or "").lower()
    gzipped = upstream.endswith(".gz") or "gzip" in (headers.content_type or "")
    if part == "database":
        extension = ".sql.gz" if gzipped or not upstream else ".sql"
    else:
        extension = ".tar.gz" if gzipped or not upstream else ".tar"
    return f"{project}-{stamp}-{part}{extension}"

"""Backup and restore history, read from the audit log.

Agiler keeps no restore history, so the portal's audit log is the record: every restore, delete,
on-demand backup and download made through the portal is an event there (written by the client's
observer, never by these pages). Anyone who may see a project's backups sees its backup history,
whoever acted: on a bad day the first question is "who restored what, and when?".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.audit.actions import Action
from portal.audit.models import AuditEvent
from portal.audit.queries import latest_success, project_history

RESTORE = Action.BACKUPS_RESTORE
HISTORY_LIMIT = 50


def project_restores(project_id: str, *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The project's restores through the portal, newest first (successful or not)."""
    return project_history(project_id, action=RESTORE, limit=limit)


def backup_history(
    project_id: str, backup_id: str, *, limit: int = HISTORY_LIMIT
) -> list[AuditEvent]:
    """Everything done to one backup through the portal (restores, downloads, deletion)."""
    return project_history(
        project_id, area="backups", target_type="backup", target_id=backup_id, limit=limit
    )


@dataclass(frozen=True)
class RestoreStart:
    """The latest restore Agiler accepted for a project: who asked, when, from which backup."""

    time: datetime
    actor: str
    backup_id: str
    drain_requests: bool


def latest_restore(project_id: str) -> RestoreStart | None:
    """The most recent restore of ``project_id`` that Agiler accepted (202), if any."""
    event = latest_success(project_id, RESTORE)
    if event is None:
        return None
    # The intent's time is when the request left the portal; the outcome's when Agiler took it.
    started = event.intent.time if event.intent is not None else event.time
    return RestoreStart(
        time=started,
        actor=event.actor_username,
        backup_id=event.target_id,
        drain_requests=bool(event.summary.get("drain_requests")),
    )

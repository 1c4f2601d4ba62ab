"""What the "restore in progress" banner says, from the project's status and the audit log.

Agiler has no restore resource: a restore shows as the project's ``status`` (``draining`` while
in-flight requests finish, then ``restoring``) until the project is back. Who started it, when,
and from which backup comes from the portal's audit log (see ``history.latest_restore``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from portal.backups.history import RestoreStart, latest_restore

#: Project statuses during which a restore is replacing the live site.
RESTORE_STATUSES = frozenset({"draining", "restoring"})
#: Statuses a project returns to after a restore that went well.
HEALTHY_STATUSES = frozenset({"running", "stopped"})
#: How often the banner asks again while a restore runs (seconds).
POLL_SECONDS = 2


@dataclass(frozen=True)
class RestoreBanner:
    """The banner's state: ``running``, ``finished`` (only for someone who watched it run) or
    ``none``; with the phase, who started it and how long it has taken."""

    state: str
    project: Any
    start: RestoreStart | None = None
    phase: str = ""
    seconds: int | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the project came back in a normal state."""
        return self.project.status in HEALTHY_STATUSES


def restore_banner(project: Any, *, watching: bool, now: datetime | None = None) -> RestoreBanner:
    """The banner for ``project`` (a ProjectDetail just read from Agiler).

    ``watching`` is set by the banner's own polling requests: once the restore is over, whoever
    watched it run is told the outcome and the duration; a fresh page view shows nothing.
    """
    now = now or timezone.now()
    restoring = project.status in RESTORE_STATUSES
    if not restoring and not watching:
        return RestoreBanner("none", project)
    start = latest_restore(project.id)
    seconds = max(0, int((now - start.time).total_seconds())) if start else None
    if restoring:
        return RestoreBanner("running", project, start, project.status, seconds)
    return RestoreBanner("finished", project, start, "", seconds)

"""Project Logs: request log lines, filtered by time window and free text."""

from __future__ import annotations

from datetime import datetime

from ._base import BaseClient
from .pagination import Page
from .types import ProjectLogEventOutput


class LogsMixin(BaseClient):
    """Operations of the reference section "Project Logs"."""

    def list_logs(
        self,
        project: str,
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        q: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[ProjectLogEventOutput]:
        """GET /projects/{project}/logs — Project Logs."""
        return self._get_page(
            ProjectLogEventOutput,
            "list_logs",
            "/projects/{project}/logs",
            {"project": project},
            cursor=cursor,
            limit=limit,
            query={"since": since, "until": until, "q": q},
        )

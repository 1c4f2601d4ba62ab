"""Project Usage: request/traffic/storage time series with totals."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Literal

from ._base import BaseClient
from .pagination import next_cursor_from
from .types import ProjectUsageResponse

Granularity = Literal["hour", "day", "week", "month"]


class UsageMixin(BaseClient):
    """Operations of the reference section "Project Usage"."""

    def get_usage(
        self,
        project: str,
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        granularity: Granularity | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> ProjectUsageResponse:
        """GET /projects/{project}/usage — Project Usage (``next_cursor`` from the Link header)."""
        response = self._get_raw(
            "get_usage",
            "/projects/{project}/usage",
            {"project": project},
            query={
                "since": since,
                "until": until,
                "granularity": granularity,
                "cursor": cursor,
                "limit": limit,
            },
        )
        usage = self._model(ProjectUsageResponse, response, "get_usage")
        return dataclasses.replace(
            usage, next_cursor=next_cursor_from(response, operation="get_usage")
        )

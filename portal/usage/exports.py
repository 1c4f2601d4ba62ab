"""The usage export as a service: it records the audit row, then names the CSV the view streams."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from portal.audit import record
from portal.audit.actions import Action


def usage_export(
    *, actor: Any, request: HttpRequest | None, project: Any, span: Any, rows: int
) -> str:
    """Record that ``actor`` exported ``rows`` buckets of ``project``'s usage over ``span`` (a
    ``UsageWindow``); return the file name to stream them under."""
    record(
        action=Action.USAGE_EXPORT,
        actor=actor,
        request=request,
        target_type="project",
        target_id=project.id,
        target_label=project.name,
        project_id=project.id,
        workspace_id=project.workspace_id,
        summary={"window": span.window, "granularity": span.granularity, "rows": rows},
    )
    name = f"{slugify(project.name) or 'project'}-usage-{span.window}-{span.granularity}"
    return f"{name}-{timezone.now():%Y%m%d}.csv"

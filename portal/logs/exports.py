"""The log export as a service: it records the audit row, then returns the entries to stream."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest

from portal.agiler import AgilerError
from portal.audit import record
from portal.audit.actions import Action


def logs_export(
    *,
    actor: Any,
    request: HttpRequest | None,
    project: Any,
    summary: dict[str, object],
    entries: Iterable[Any],
) -> Iterator[Any]:
    """Record that ``actor`` exported ``project``'s log ``entries`` (the search in ``summary``);
    return the entries to stream.

    The first entry is fetched now, so an immediate refusal by Agiler is recorded as a failed
    export and raised (the view shows a page, not a broken file).
    """
    entries = iter(entries)

    def audit(error: str = "") -> None:
        record(
            action=Action.LOGS_EXPORT,
            actor=actor,
            request=request,
            outcome="failure" if error else "success",
            target_type="project",
            target_id=project.id,
            target_label=project.name,
            project_id=project.id,
            workspace_id=getattr(project, "workspace_id", "") or "",
            summary=summary,
            error_message=error,
        )

    try:
        first = list(itertools.islice(entries, 1))
    except AgilerError as error:
        audit(str(error))
        raise
    audit()
    return itertools.chain(first, entries)

"""The members export as a service: it records the audit row, then hands the view its CSV."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from portal.audit import record
from portal.audit.actions import Action
from portal.workspaces.members import MemberRow, csv_lines


def members_export(
    *,
    actor: Any,
    request: HttpRequest | None,
    workspace: Any,
    rows: Sequence[MemberRow],
    filters: Mapping[str, Any],
) -> tuple[Iterator[str], str]:
    """Record that ``actor`` exported these member ``rows`` of ``workspace`` (with the page's
    ``filters``), then return the CSV lines and the file name to stream them under.

    Personal data leaves the portal here: who took it, and which rows, goes in the log first
    (an export that cannot be recorded raises and does not happen).
    """
    record(
        action=Action.WORKSPACES_MEMBERS_EXPORT,
        actor=actor,
        request=request,
        target_type="workspace",
        target_id=workspace.id,
        target_label=workspace.name,
        workspace_id=workspace.id,
        summary={"rows": len(rows), **{k: v for k, v in filters.items() if v}},
    )
    filename = f"{slugify(workspace.name) or 'workspace'}-members-{timezone.now():%Y%m%d}.csv"
    return csv_lines(rows), filename

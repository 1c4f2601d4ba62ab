"""``AuditObserver``: the Agiler client's audit hook, writing intent and outcome rows.

The client (``portal.agiler._base``) calls ``before_write`` before the first attempt of every
write; if recording the intent fails the exception propagates and nothing is sent. It calls
``after_write`` once after the last attempt and ``sensitive_read`` for downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from portal.agiler.observer import CallInfo, CallOutcome
from portal.audit import naming
from portal.audit.actions import Action, spec_for, target_of
from portal.audit.models import AuditEvent, Outcome
from portal.audit.services import record_event
from portal.lib.parallel import after_gather

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["AuditObserver"]


#: singletons whose earlier values an event keeps, so it can say "from $250.00 to $300.00"
_BEFORE_KINDS = {"update_billing": "billing"}


def _context(call: CallInfo, actor: Any = None) -> dict[str, Any]:
    target_type, target_id, target_label = target_of(call.operation, call.path_params, call.summary)
    workspace = str(call.path_params.get("workspace") or call.summary.get("workspace_id") or "")
    project = call.path_params.get("project", "")
    workspace = workspace or naming.workspace_of(project)
    # Names from what the portal last read (naming.py); the ids stay the key.
    if not target_label or target_label == target_id:
        target_label = naming.recall(target_id) or target_label
    summary: dict[str, Any] = {"operation": call.operation, "method": call.method, **call.summary}
    kind = _BEFORE_KINDS.get(call.operation)
    if kind and actor is not None:
        before = naming.recall_before(getattr(actor, "pk", None), kind)
        changed = {key: before[key] for key in call.summary if key in before}
        if changed:
            summary["before"] = changed
    return {
        "action": spec_for(call.operation).action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "project_id": project,
        "project_name": naming.recall(project),
        "workspace_id": workspace,
        "workspace_name": naming.recall(workspace),
        "summary": summary,
        "idempotency_key": call.idempotency_key or "",
    }


class AuditObserver:
    """Records every Agiler write (intent, then outcome) and sensitive read as ``actor``."""

    def __init__(self, *, actor: Any, request: HttpRequest | None = None) -> None:
        self.actor = actor
        self.request = request

    def saw(self, objects: Sequence[object]) -> None:
        """Remember the names of objects the client read (and the billing profile's values)."""
        naming.remember(objects)
        for obj in objects:
            if type(obj).__name__ == "BillingOutput":
                values = {
                    field: getattr(obj, field)
                    for field in (
                        "monthly_budget",
                        "budget_alerts",
                        "budget_stop",
                        "charge_amount",
                        "charge_threshold",
                    )
                }
                naming.remember_before(getattr(self.actor, "pk", None), "billing", values)

    def before_write(self, call: CallInfo) -> AuditEvent:
        """Append the intent row; an exception here refuses the write."""
        return record_event(
            actor=self.actor,
            request=self.request,
            outcome=Outcome.INTENT,
            **_context(call, self.actor),
        )

    def after_write(self, handle: object, outcome: CallOutcome) -> None:
        """Append the outcome row, linked to (and copying the context of) its intent."""
        if not isinstance(handle, AuditEvent):
            raise TypeError("after_write needs the AuditEvent before_write returned")
        # A create only learns its object's id from the answer: put it on the outcome row so the
        # object's audit trail starts with its creation.
        target_id = handle.target_id or (outcome.created_id or "")
        project_id, project_name = handle.project_id, handle.project_name
        if not project_id and handle.target_type == "project":
            project_id, project_name = target_id, handle.target_label
        workspace_id, workspace_name = handle.workspace_id, handle.workspace_name
        if not workspace_id and handle.target_type == "workspace":
            workspace_id, workspace_name = target_id, handle.target_label
        record_event(
            actor=self.actor,
            request=self.request,
            action=handle.action,
            target_type=handle.target_type,
            target_id=target_id,
            target_label=handle.target_label,
            workspace_id=workspace_id,
            workspace_name=workspace_name,
            project_id=project_id,
            project_name=project_name,
            summary=handle.summary,
            idempotency_key=handle.idempotency_key,
            intent=handle,
            **_outcome_fields(outcome),
        )

    def failed_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        """Append one event for a read that failed or timed out upstream (recorded by the
        request's own thread when the read ran inside a concurrent fan-out)."""
        after_gather(partial(_failed_read, self, call, outcome))

    def sensitive_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        """Append one event for a download (or the failed attempt at one)."""
        context = _context(call, self.actor)
        context["idempotency_key"] = ""
        record_event(actor=self.actor, request=self.request, **context, **_outcome_fields(outcome))


def _failed_read(observer: Any, call: CallInfo, outcome: CallOutcome) -> None:
    context = _context(call)
    record_event(
        actor=observer.actor,
        request=observer.request,
        action=Action.AGILER_READ_FAILED,
        target_type=context["target_type"],
        target_id=context["target_id"],
        target_label=context["target_label"],
        project_id=context["project_id"],
        workspace_id=context["workspace_id"],
        summary=context["summary"],
        **_outcome_fields(outcome),
    )


def _outcome_fields(outcome: CallOutcome) -> dict[str, Any]:
    return {
        "outcome": outcome.outcome,
        "status": outcome.status,
        "error_code": outcome.error_code or "",
        "error_message": outcome.error_message or "",
        "request_id": outcome.request_id or "",
        "duration_ms": outcome.duration_ms,
    }

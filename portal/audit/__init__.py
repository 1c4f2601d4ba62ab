"""The audit log: every write to Agiler, security event and sensitive read, hash-chained.

``from portal.audit import record`` is the public entry point for other apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from portal.audit.models import AuditEvent

__all__ = ["record", "user_target"]


def record(**kwargs: Any) -> AuditEvent:
    """Append an audit event; see ``portal.audit.services.record_event`` for the arguments."""
    # Imported on call: this package is imported while the app registry is still loading.
    from portal.audit.services import record_event

    return record_event(**kwargs)


class Target(TypedDict):
    """The target fields of an audit event, spread into ``record``/``record_event``."""

    target_type: str
    target_id: str
    target_label: str


def user_target(user: Any, target_type: str = "user") -> Target:
    """``target_type/target_id/target_label`` for an event about a portal user (or their token):
    ``record(action=..., **user_target(user))``."""
    return {
        "target_type": target_type,
        "target_id": str(user.pk),
        "target_label": user.get_username(),
    }

"""The audit log: every write to Agiler, security event and sensitive read, hash-chained.

``from portal.audit import record`` is the public entry point for other apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal.audit.models import AuditEvent

__all__ = ["record"]


def record(**kwargs: Any) -> AuditEvent:
    """Append an audit event; see ``portal.audit.services.record_event`` for the arguments."""
    # Imported on call: this package is imported while the app registry is still loading.
    from portal.audit.services import record_event

    return record_event(**kwargs)

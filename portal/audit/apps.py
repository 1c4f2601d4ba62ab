from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only, hash-chained audit log and its viewer."""

    name = "portal.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.audit import receivers
        from portal.audit.chain import require_key_in_production

        # Refuse to start without a chain key in production (raises ImproperlyConfigured).
        require_key_in_production()
        receivers.connect()

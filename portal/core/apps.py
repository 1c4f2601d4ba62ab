from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Layout, navigation, health probes, error pages and the access-control middleware."""

    name = "portal.core"
    label = "core"
    verbose_name = "Portal core"

    def ready(self) -> None:
        from portal.core import checks  # noqa: F401  (registers the system checks)

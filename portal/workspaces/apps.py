from __future__ import annotations

from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Workspace pages (no models: everything is read from Agiler)."""

    name = "portal.workspaces"
    label = "workspaces"

from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Project pages (no models: everything is read from Agiler)."""

    name = "portal.projects"
    label = "projects"

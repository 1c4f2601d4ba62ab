"""Helpers shared by the backups views: fragments, redirects after writes, URLs, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def list_url(project: str) -> str:
    """The backups list (its first page; the pager adds cursors)."""
    return reverse("backups:list", args=[project])


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Backups › *tail (label, url) for the breadcrumbs component."""
    trail = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": "Backups", "url": reverse("backups:list", args=[project.id])},
    ]
    trail += [{"label": label, "url": url} for label, url in tail]
    return trail

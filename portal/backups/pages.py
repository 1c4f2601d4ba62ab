"""Helpers shared by the backups views: fragments, redirects after writes, URLs, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse

#: How many earlier cursors the URL remembers for "Previous"; past that, "Newest" remains.
MAX_TRAIL = 50


def list_url(project: str, cursor: str | None = None, trail: list[str] | None = None) -> str:
    """The backups list, at ``cursor`` with the ``trail`` of earlier cursors for "Newer"."""
    base = reverse("backups:list", args=[project])
    if not cursor:
        return base
    query = QueryDict(mutable=True)
    query["cursor"] = cursor
    query.setlist("prev", (trail or [])[-MAX_TRAIL:])
    return f"{base}?{query.urlencode()}"


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Backups › *tail (label, url) for the breadcrumbs component."""
    trail = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": "Backups", "url": reverse("backups:list", args=[project.id])},
    ]
    trail += [{"label": label, "url": url} for label, url in tail]
    return trail

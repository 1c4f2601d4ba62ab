"""Helpers shared by the backups views: fragments, redirects after writes, URLs, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from portal.projects.area_pages import area_crumbs


def list_url(project: str) -> str:
    """The backups list (its first page; the pager adds cursors)."""
    return reverse("backups:list", args=[project])


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Backups › *tail (label, url) for the breadcrumbs component."""
    return area_crumbs(project, "Backups", list_url(project.id), *tail)

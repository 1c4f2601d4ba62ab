"""Helpers shared by the backups views: fragments, redirects after writes, URLs, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

#: How many earlier cursors the URL remembers for "Previous"; past that, "Newest" remains.
MAX_TRAIL = 50


def is_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a partial: an htmx request that is not a boosted navigation."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def form_status(request: HttpRequest) -> int:
    """The status of a re-rendered form with errors: 400, or 200 for htmx (see below)."""
    # htmx swaps only 2xx answers: a re-rendered form with errors must be one to be shown.
    return 200 if is_fragment(request) else 400


def done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: navigate (htmx is told to, a plain form is redirected)."""
    return HttpResponseClientRedirect(url) if is_fragment(request) else redirect(url)


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

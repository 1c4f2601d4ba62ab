"""htmx response helpers shared by every area's views (one definition, used everywhere)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def is_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a partial: an htmx request that is not a boosted navigation."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def form_status(request: HttpRequest) -> int:
    """The status of a re-rendered form with errors: 400, or 200 for htmx.

    htmx swaps only 2xx answers by default, so a form re-rendered with its errors must be one
    to be shown; a plain POST gets the honest 400.
    """
    return 200 if is_fragment(request) else 400


def done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: navigate (htmx is told to, a plain form is redirected)."""
    return HttpResponseClientRedirect(url) if is_fragment(request) else redirect(url)

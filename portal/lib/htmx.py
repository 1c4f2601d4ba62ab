"""Page or partial: the one way every view answers a browser (full page, or an htmx fragment).

An htmx request that targets a region gets that region's ``{% partialdef %}``; everything else
gets the whole page. "Everything else" includes two htmx requests that look like fragment
requests but are not: a *boosted* navigation (htmx swaps the whole body) and a *history-restore*
request (the user pressed Back after ``hx-push-url`` and htmx's history cache missed: it asks the
server for the URL and swaps the answer in as the whole page — a partial there loses the layout).

Because one URL answers two bodies depending on ``HX-Request``, every such answer says
``Vary: HX-Request``: a browser or proxy cache must never hand the fragment to a plain
navigation (or the page to htmx).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def is_fragment(request: HttpRequest) -> bool:
    """Whether to answer with a partial: an htmx request that is neither a boosted navigation
    nor a history restore."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not (htmx.boosted or htmx.history_restore_request)


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark a response whose body depends on ``HX-Request`` (page or fragment)."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template`` as a whole page, or only its ``fragment`` partial for htmx.

    ``fragment`` names a ``{% partialdef %}`` of ``template`` whose root element carries the
    same ``id`` (the region the htmx request targets). Without one, htmx gets the page too.
    """
    name = f"{template}#{fragment}" if fragment and is_fragment(request) else template
    return vary_on_htmx(render(request, name, context, status=status))


def form_status(request: HttpRequest) -> int:
    """The status of a re-rendered form with errors: 400, or 200 for htmx.

    htmx swaps only 2xx answers by default, so a form re-rendered with its errors must be one
    to be shown; a plain POST gets the honest 400.
    """
    return 200 if is_fragment(request) else 400


def done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: navigate (htmx is told to, a plain form is redirected)."""
    return HttpResponseClientRedirect(url) if is_fragment(request) else redirect(url)


class VaryOnHtmxMiddleware:
    """Every HTML answer says ``Vary: HX-Request``: any view may answer a fragment to htmx and
    the page otherwise, so no cache may serve one for the other. Downloads are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            vary_on_htmx(response)
        return response

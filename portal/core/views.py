"""Home, health probes and the error pages that fit the layout."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.accounts.access import public, requires
from portal.lib.htmx import is_fragment
from portal.lib.inputs import BadInput

logger = logging.getLogger(__name__)


@require_GET
@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """The page after login: per role, the cards that person needs first (see core/home.py).

    The page itself asks Agiler nothing, so it shows at once; its cards arrive in one htmx
    request (``hx-trigger="load"`` on the same URL) whose upstream calls run concurrently: one
    round trip. Recent backups need the project list first (two round trips), so that card
    arrives in a request of its own (``?card=backups``), off the other cards' critical path.
    Without a saved Agiler token there is nothing to ask Agiler: the page says how to add one.
    """
    from portal.agiler import NoAgilerToken
    from portal.core.home import UPSTREAM_CARDS, cards_for, load_cards
    from portal.tokens.service import agiler_for

    try:
        client = agiler_for(request.user, request=request)
    except NoAgilerToken:
        client = None
    keys = cards_for(request.user)
    if client is None:
        keys = [key for key in keys if key not in UPSTREAM_CARDS]
    context: dict[str, object] = {
        "page_title": "Home",
        "has_token": client is not None,
        "card_keys": keys,
    }
    if is_fragment(request):
        if request.GET.get("card") == "backups" and "backups" in keys:
            # The recent-backups card, loaded on its own (it waits for the project list).
            card = load_cards(request.user, client, only="backups")["backups"]
            return render(request, "core/home.html#home-backups-body", {"card": card})
        # Every card in one round trip; the backups card follows in its own request.
        context["cards"] = load_cards(request.user, client, defer="backups")
        return render(request, "core/home.html#home-cards", context)
    return render(request, "core/home.html", context)


@never_cache
@require_GET
@public
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no login, no audit."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
@public
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "not ready", never a 500 page
        logger.warning("readiness probe: database unreachable", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def standalone_error(status: int, title: str, message: str) -> HttpResponse:
    """An error page that needs nothing: no request, no session, no database, no layout."""
    html = loader.get_template("errors/standalone.html").render(
        {"status": status, "title": title, "message": message}
    )
    return HttpResponse(html, status=status)


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    template = "errors/fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
    context = {"status": status, "title": title, "message": message, "page_title": title}
    try:
        return render(request, template, context, status=status)
    except Exception:  # the layout needs the session and database; an error page must not fail
        logger.exception("error page %s could not use the layout", status)
        return standalone_error(status, title, message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = "The request could not be understood. Nothing was changed."
    if isinstance(exception, BadInput) and str(exception):
        message = str(exception)
    return _error_page(request, 400, "Bad request", message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        403,
        "Not allowed",
        "Your role does not allow this page or action. Ask a portal admin if you need it.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 404, "Page not found", "There is nothing here. Check the address or go back."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: whatever broke (the database, the session, a middleware)
    # must not break the error page too.
    return standalone_error(
        500,
        "Something went wrong on our side",
        "The portal hit an unexpected error and has logged it. If you were changing something, "
        "check its current state before trying again.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        403,
        "Form expired",
        "This form was open too long or came from elsewhere. Reload the page and try again; "
        "nothing was changed.",
    )


# Error handlers are called by Django directly, never through the URLconf, but they still
# declare their access so the deny-by-default middleware and checks treat them consistently.
for _handler in (bad_request, permission_denied, page_not_found, server_error, csrf_failure):
    public(_handler)

"""One place that turns an Agiler failure into a page or an htmx fragment, never a 500.

Views call the client and let ``AgilerError`` propagate; this middleware maps each class to a
status and a message a person can act on (architecture rule 6). Forms that want field errors
catch ``BadRequest`` themselves and put ``error.field`` on the right field.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portal.agiler import errors as agiler
from portal.agiler.contract import required_scopes
from portal.agiler.downloads import DownloadBroken

logger = logging.getLogger(__name__)


def _token_page_url() -> str | None:
    try:
        return reverse("accounts:token")
    except NoReverseMatch:
        return None


UNSURE_TITLE = "Not sure — may have been applied"


def may_have_been_applied(error: agiler.AgilerError) -> bool:
    """Whether ``error`` ended a write that Agiler may have applied (lost answer, or 5xx)."""
    return bool(getattr(error, "may_have_been_applied", False))


def _check_urls(request: HttpRequest) -> dict[str, str | None]:
    """Where to check an unsure write: the page the form was on (same site only) and the audit
    log's "Not sure" entries."""
    referer = request.headers.get("Referer", "")
    back = None
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        audit = reverse("audit:list") + "?outcome=unknown"
    except NoReverseMatch:
        audit = None
    return {"check_url": back, "audit_url": audit}


def describe(error: agiler.AgilerError) -> tuple[int, str, str]:
    """Return (HTTP status for our page, title, message) for an Agiler error."""
    if may_have_been_applied(error):
        return _unsure(error)
    if isinstance(error, agiler.NoAgilerToken):
        return (
            403,
            "Add your Agiler token",
            (
                "The portal acts on Agiler with your own API token, and you have not saved one "
                "yet (or it can no longer be read). Add it on the Agiler token page."
            ),
        )
    if isinstance(error, agiler.Unauthorized):
        return (
            403,
            "Agiler did not accept your token",
            (
                "Your saved Agiler token was refused (revoked or expired). Replace it on the "
                "Agiler token page; nothing was changed."
            ),
        )
    if isinstance(error, agiler.PermissionDenied):
        scopes = required_scopes(error.operation)
        if scopes:
            from portal.tokens.scopes import missing_scope_reason

            # Same words as the disabled controls; Agiler's 403 may also mean the resource
            # belongs to someone else, so its own message is kept too.
            return (
                403,
                "Your Agiler token is not allowed to do this",
                f"{missing_scope_reason(scopes[0])} Nothing was changed. "
                f"(Agiler scope {scopes[0]}; Agiler answered: {error.message})",
            )
        return (
            403,
            "Your Agiler token is not allowed to do this",
            (
                f"Agiler answered: {error.message} Ask the account owner for a token with the "
                "needed scope, or for access to this resource. Nothing was changed."
            ),
        )
    if isinstance(error, agiler.NotFound):
        what = error.resource or "resource"
        return (
            404,
            "Not found on Agiler",
            (
                f"Agiler has no {what} with that id, or it is hidden from your token. It may have "
                "been deleted."
            ),
        )
    if isinstance(error, agiler.Unprocessable):
        return (
            409,
            "Agiler could not apply this",
            (
                f"{error.message} The change does not fit the current state of what it applies "
                "to. Nothing was changed: reload the page to see the current state, then adjust "
                "and try again."
            ),
        )
    if isinstance(error, agiler.Conflict):
        return (
            409,
            "Agiler reported a conflict",
            (f"{error.message} Reload the page to see the current state before trying again."),
        )
    if isinstance(error, agiler.RateLimited):
        wait = math.ceil(error.retry_after) if error.retry_after else None
        when = f"in {wait} s" if wait else "in a moment"
        return (
            429,
            "Agiler is busy",
            (f"Too many requests reached Agiler. Try again {when}; nothing was changed."),
        )
    if isinstance(error, agiler.BadRequest):
        field = f" (field {error.field})" if error.field else ""
        return 400, "Agiler refused the request", f"{error.message}{field}"
    if isinstance(error, DownloadBroken):
        return (
            502,
            "The download broke off",
            (
                "The file stopped arriving from Agiler before the download could begin, so "
                "nothing was saved. Try again in a moment; the audit log records the attempt."
            ),
        )
    if isinstance(error, agiler.AgilerUnavailable):
        return (
            503,
            "Agiler is unreachable",
            ("The portal could not reach Agiler. Nothing was changed; try again shortly."),
        )
    if isinstance(error, agiler.ServerError):
        return (
            502,
            "Agiler had a problem",
            (
                "Agiler failed to handle the request. Try again shortly; if it keeps failing, "
                "quote the request id to Agiler support."
            ),
        )
    return (
        502,
        "Unexpected answer from Agiler",
        ("Agiler answered in a way the portal does not understand. Nothing was changed."),
    )


def _unsure(error: agiler.AgilerError) -> tuple[int, str, str]:
    what = (
        "its answer was lost"
        if isinstance(error, agiler.AgilerUnavailable)
        else "it answered with an error after the portal's retries"
    )
    return (
        504 if isinstance(error, agiler.AgilerUnavailable) else 502,
        UNSURE_TITLE,
        (
            f"The change reached Agiler, but {what}: it may have been applied. Before trying "
            "again, check the current state (reload the page it belongs to and look for the "
            "change); the audit log records it as “Not sure”. Trying again with a new form "
            "could make the change twice."
        ),
    )


def agiler_error_response(request: HttpRequest, error: agiler.AgilerError) -> HttpResponse:
    """Render the page (or htmx fragment) for ``error``."""
    status, title, message = describe(error)
    if isinstance(error, agiler.Unauthorized) and request.user.is_authenticated:
        try:
            from portal.tokens.store import mark_token_rejected
        except ImportError:  # tokens not installed yet in this build
            pass
        else:
            mark_token_rejected(request.user, request=request)
    context: dict[str, Any] = {
        "status": status,
        "title": title,
        "message": message,
        "page_title": title,
        "request_id": error.request_id,
        "token_url": _token_page_url()
        if isinstance(error, agiler.NoAgilerToken | agiler.Unauthorized)
        else None,
        **(_check_urls(request) if may_have_been_applied(error) else {}),
    }
    template = "errors/fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
    response = render(request, template, context, status=status)
    if isinstance(error, agiler.RateLimited) and error.retry_after:
        response["Retry-After"] = str(math.ceil(error.retry_after))
    return response


class AgilerErrorMiddleware:
    """Catch ``AgilerError`` escaping a view and answer with :func:`agiler_error_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, agiler.AgilerError):
            return None
        logger.info(
            "agiler error on %s %s: %s", request.method, request.path, type(exception).__name__
        )
        return agiler_error_response(request, exception)

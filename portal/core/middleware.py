"""Cross-cutting request handling: security headers, htmx toasts, deny-by-default access."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse

from portal.accounts.access import declared_access
from portal.lib.htmx import is_fragment
from portal.lib.inputs import BadInput

GetResponse = Callable[[HttpRequest], HttpResponse]


class HealthProbeMiddleware:
    """Answer /healthz and /readyz before host validation and the HTTPS redirect.

    Orchestrators probe a container by its own IP over plain HTTP; that Host is not (and should
    not be) in ALLOWED_HOSTS. The probes reveal nothing and change nothing, so they are served
    first, for any Host. Placed first in MIDDLEWARE.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.path in ("/healthz", "/readyz"):
            from portal.core import views

            probe = views.healthz if request.path == "/healthz" else views.readyz
            return probe(request)
        return self.get_response(request)


#: what a proxy's request id looks like (nginx's $request_id is 32 hex digits)
_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestIdMiddleware:
    """Give every request an id (``request.request_id``): on its audit rows, sent upstream as
    ``X-Request-ID``, and returned in the response's ``X-Request-ID`` for support tickets. Not
    taken from the client: an id anyone can choose could not tie records together. Behind a
    trusted proxy (``PORTAL_TRUSTED_PROXY``) the proxy's own id is kept, so its access log, the
    portal's audit rows and Agiler's logs share one id."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxied = request.headers.get("X-Request-ID", "")
        trusted = getattr(settings, "PORTAL_TRUSTED_PROXY", False) and _REQUEST_ID.fullmatch(
            proxied
        )
        request.request_id = proxied if trusted else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and a restrictive Permissions-Policy to every response."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.PORTAL_CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class SessionRefreshMiddleware:
    """Keep the idle sign-out without writing the session on every request.

    Sessions end ``SESSION_COOKIE_AGE`` after the last activity: each save pushes the database
    expiry forward. Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE and
    a transaction per page; instead the session is saved when it was last refreshed more than
    ``PORTAL_SESSION_REFRESH_SECONDS`` ago (or when something else changed it). The idle timeout
    then ends between ``AGE - REFRESH`` and ``AGE`` after the last request: 29-30 minutes.
    Placed right after SessionMiddleware, so its response step runs before the session is saved.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only sessions that exist (signed in, or holding state): never create one for a visitor.
        if session is None or not session.session_key:
            return response
        last = session.get(self.KEY)  # loads it; an unknown or expired key is dropped here
        now = int(time.time())
        if session.session_key and (
            not isinstance(last, int) or now - last >= settings.PORTAL_SESSION_REFRESH_SECONDS
        ):
            session[self.KEY] = now  # marks it modified: SessionMiddleware saves it
        return response


#: Longest query-string or form value the portal reads; a longer one is bad input (the largest
#: real field, a rule's JSON, is far below this).
MAX_VALUE = 256 * 1024


def input_problem(request: HttpRequest) -> str | None:
    """Why the request's address or form is bad input, or None. Checked once, for every view:
    a NUL character can never be stored (PostgreSQL refuses it in text) nor sent upstream.

    The address (path and query) is refused whole. In a posted form only the field *names* are
    checked here: a NUL inside a value is the form's to refuse, on its field (Django's form
    fields do: "Null characters are not allowed."), so the person sees where and loses nothing.
    """
    if "\x00" in request.path_info:
        return "The address contains a NUL character."
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return "The address contains a NUL character."
        if any(len(value) > MAX_VALUE for value in values):
            return "The address has a value that is too long."
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if "\x00" in key:
                return "The form contains a NUL character in a field name."
            if any(len(value) > MAX_VALUE for value in values):
                return "The form has a value that is too long."
    return None


class BadInputMiddleware:
    """Refuse a request carrying input no view can handle (NUL characters, oversized values) with
    a 400 page that says what is wrong, before any view touches the database or Agiler."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = input_problem(request)
        if problem is not None:
            message = f"{problem} Nothing was changed."
            if request.headers.get("Accept", "").startswith("application/json"):
                # A script's request (the files uploader) reads the answer, not a page.
                return JsonResponse({"outcome": "failed", "message": message}, status=400)
            from portal.core.views import bad_request

            return bad_request(request, BadInput(message))
        return self.get_response(request)


class HtmxMessagesMiddleware:
    """Deliver Django messages on htmx fragment responses as an ``HX-Trigger`` toast event.

    A full page renders messages in the layout; a fragment swap would otherwise leave them
    queued until some later page. static/js/portal.js listens for ``portal:messages``.
    """

    EVENT = "portal:messages"

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_fragment(request):
            return response
        # On a redirect the next full page shows the messages; leave them queued.
        if 300 <= response.status_code < 400 or "HX-Redirect" in response.headers:
            return response
        storage = messages.get_messages(request)
        if getattr(storage, "used", False):
            # A full page rendered for this htmx request already listed them in its layout.
            return response
        queued = [
            {"level": message.level_tag or "info", "text": str(message)} for message in storage
        ]
        if not queued:
            return response
        triggers: dict[str, Any] = {}
        existing = response.headers.get("HX-Trigger")
        if existing:
            try:
                parsed = json.loads(existing)
                triggers = parsed if isinstance(parsed, dict) else {existing: None}
            except ValueError:
                triggers = {name.strip(): None for name in existing.split(",")}
        triggers[self.EVENT] = queued
        response.headers["HX-Trigger"] = json.dumps(triggers)
        return response


class AccessControlMiddleware:
    """Refuse any view that does not declare its access (``@public`` or ``@requires``).

    Deny by default: a new view without a decorator answers 403 instead of quietly being open.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if declared_access(view_func) is None:
            raise PermissionDenied("This page declares no access rule.")
        return None

"""Sign-in throttling glue for django-axes: the client address we trust and the lockout page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in attempt came from.

    ``X-Forwarded-For`` is believed only behind a proxy we were told about
    (``PORTAL_TRUSTED_PROXY``); otherwise anyone could dodge the lockout by inventing a header.
    The right-most entry is the one our own proxy appended.
    """
    if getattr(settings, "PORTAL_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", "") or "")


def lockout_minutes() -> int:
    """How long a lockout lasts, in whole minutes."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return max(1, int(cooloff.total_seconds() // 60)) if cooloff else 15


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page with a clear lockout message, status 429."""
    from portal.accounts.views import PortalAuthenticationForm

    # Drop any half-finished two-factor sign-in: the lockout covers that step too.
    if hasattr(request, "session"):
        request.session.pop("mfa_pending", None)
    context = {
        "form": PortalAuthenticationForm(request),
        "page_title": "Sign in",
        "locked_out": True,
        "lockout_minutes": lockout_minutes(),
    }
    return render(request, "accounts/login.html", context, status=429)

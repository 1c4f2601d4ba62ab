"""Sign-in throttling glue for django-axes: the client address we trust and the lockout page.

``client_ip`` is also the audit log's source address (``portal.audit.services``): one rule.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest | None) -> str:
    """The address a request came from, for sign-in throttling and the audit log alike.

    ``X-Forwarded-For`` is believed only behind a proxy we were told about
    (``PORTAL_TRUSTED_PROXY``); otherwise anyone could dodge the lockout, or choose the address
    the audit log records, by inventing a header. Proxies append the address they saw to whatever
    the client sent, so only the right-most entries are ours: with
    ``PORTAL_TRUSTED_PROXY_HOPS`` proxies in front (e.g. 2 for a CDN plus a load balancer), the
    client is the that-many-th entry from the right. Anything left of it is client-controlled.
    Returns a normalised IP address, or "" when there is no valid one.
    """
    if request is None:
        return ""
    candidate = str(request.META.get("REMOTE_ADDR", "") or "")
    if getattr(settings, "PORTAL_TRUSTED_PROXY", False):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            trusted = max(1, int(getattr(settings, "PORTAL_TRUSTED_PROXY_HOPS", 1) or 1))
            # Fewer entries than proxies: the left-most was still appended by one of ours.
            candidate = hops[-min(trusted, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


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

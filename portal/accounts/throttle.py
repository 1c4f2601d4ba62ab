"""Sign-in throttling glue for django-axes: the client address we trust and the lockout page.

The trusted client address is ``portal.lib.client_ip`` (shared with the audit log).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
    from portal.accounts.forms import PortalAuthenticationForm

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

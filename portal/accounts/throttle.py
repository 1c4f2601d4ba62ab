"""Sign-in throttling glue for django-axes: the client address we trust and the lockout page.

The trusted client address is ``portal.lib.client_ip`` (shared with the audit log).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.lib.client_ip import client_ip

_ADDRESS_KEY = "login-failures:{}"


def _address_key(request: HttpRequest | None) -> str | None:
    address = client_ip(request)
    return _ADDRESS_KEY.format(address) if address else None


def note_failure(request: HttpRequest | None) -> None:
    """Count a failed sign-in against the client address (shared cache: every process)."""
    key = _address_key(request)
    if key is None:
        return
    seconds = lockout_minutes() * 60
    cache.add(key, 0, timeout=seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)


def on_login_failed(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``user_login_failed`` receiver: count the failure against the address."""
    note_failure(request)


def address_throttled(request: HttpRequest | None) -> bool:
    """Whether the address has failed too often (any usernames): password spraying."""
    key = _address_key(request)
    limit = int(getattr(settings, "PORTAL_LOGIN_ADDRESS_LIMIT", 30))
    return key is not None and int(cache.get(key) or 0) >= limit


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

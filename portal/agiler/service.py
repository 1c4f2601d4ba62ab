"""The seam between Django and the Agiler client: ``agiler_for(user)``.

Views call ``agiler_for(request.user, request=request)`` and get a client carrying the user's
own token and the audit observer. Kept tiny on purpose: settings are read here, the token comes
from ``portal.accounts.tokens``, the observer from ``portal.audit.observer``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings

from .client import AgilerClient
from .errors import NoAgilerToken
from .observer import CallObserver

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["agiler_for"]

DEFAULT_API_URL = "https://api.agiler.io/v1"


def agiler_for(user: Any, *, request: HttpRequest | None = None) -> AgilerClient:
    """Return an AgilerClient acting as ``user``; raise NoAgilerToken if none is usable."""
    # Imported lazily (and dynamically, so this package type-checks without them): accounts and
    # audit import this package, not the other way round.
    token_for: Callable[[Any], str | None] = import_module("portal.accounts.tokens").token_for
    audit_observer: Callable[..., CallObserver] = import_module(
        "portal.audit.observer"
    ).AuditObserver

    token = token_for(user)
    if not token:
        raise NoAgilerToken()
    timeout: float | Mapping[str, float] | None = getattr(settings, "AGILER_TIMEOUT", None)
    return AgilerClient(
        base_url=getattr(settings, "AGILER_API_URL", DEFAULT_API_URL),
        token=token,
        timeout=timeout,
        max_retries=int(getattr(settings, "AGILER_MAX_RETRIES", 2)),
        retry_after_ceiling=float(getattr(settings, "AGILER_RETRY_AFTER_CEILING", 10.0)),
        observer=audit_observer(actor=user, request=request),
        # Test-only: an httpx transport (e.g. WSGITransport over the sandbox).
        transport=getattr(settings, "AGILER_TRANSPORT", None),
    )

"""The one builder of Agiler clients from settings (per-user and unbound clients alike)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from portal.agiler import AgilerClient, Secret
from portal.agiler.observer import CallObserver

DEFAULT_API_URL = "https://api.agiler.io/v1"


def build_client(
    token: str, *, observer: CallObserver | None = None, request_id: str | None = None
) -> AgilerClient:
    """A client for ``token`` (wrapped in ``Secret`` so it never prints) configured from
    settings: base URL, timeouts, retries and, in tests only, an httpx transport."""
    timeout: float | Mapping[str, float] | None = getattr(settings, "AGILER_TIMEOUT", None)
    return AgilerClient(
        base_url=getattr(settings, "AGILER_API_URL", DEFAULT_API_URL),
        token=Secret(token),
        timeout=timeout,
        max_retries=int(getattr(settings, "AGILER_MAX_RETRIES", 2)),
        retry_after_ceiling=float(getattr(settings, "AGILER_RETRY_AFTER_CEILING", 10.0)),
        observer=observer,
        request_id=request_id,
        # Test-only: an httpx transport (e.g. WSGITransport over the sandbox).
        transport=getattr(settings, "AGILER_TRANSPORT", None),
    )

"""``agiler_for(user)``: the one way a view obtains an Agiler client acting as its user.

It decrypts the user's own token, and hands it and the audit observer to the client: the
client package (``portal.agiler``) imports nothing of the portal and is given both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.agiler import AgilerClient
from portal.agiler.errors import NoAgilerToken
from portal.audit.observer import AuditObserver
from portal.tokens.clients import build_client
from portal.tokens.store import token_for

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["agiler_for"]


def agiler_for(user: Any, *, request: HttpRequest | None = None) -> AgilerClient:
    """Return an AgilerClient acting as ``user``; raise NoAgilerToken if none is usable."""
    token = token_for(user)
    if not token:
        raise NoAgilerToken()
    return build_client(
        token,
        observer=AuditObserver(actor=user, request=request),
        request_id=getattr(request, "request_id", None),
    )

"""Template tags for the token's second gate and its banner (registered as builtins).

``{% scope_gate "projects.backups:write" as gate %}`` gives ``gate.allowed``, ``gate.reason``
(the sentence naming the missing scope) and ``gate.scope``. ``{% agiler_token_banner %}`` shows
the "Agiler refused your token" banner when it applies.
"""

from __future__ import annotations

from typing import Any

from django import template

from portal.tokens.scopes import Gate, lookup_scopes
from portal.tokens.scopes import scope_gate as gate_for
from portal.tokens.store import token_rejected

register = template.Library()


@register.simple_tag(takes_context=True)
def scope_gate(context: template.Context, scope: str) -> Gate:
    """Whether the signed-in person's Agiler token holds ``scope`` (see portal.tokens.scopes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return gate_for(user, scope)


@register.inclusion_tag("accounts/token_banner.html", takes_context=True)
def agiler_token_banner(context: template.Context) -> dict[str, Any]:
    """The banner asking to replace a token Agiler refused (nothing when all is well)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user is not None and user.is_authenticated and token_rejected(user))
    if show:
        # Re-asks Agiler at most once per scopes TTL; a token it accepts again loses the banner.
        show = lookup_scopes(user).problem == "rejected"
    return {"show": show, "request": request}

"""The second gate: what the person's own Agiler token may do.

The portal role decides which controls a person sees; the token's *effective scopes* (from
``GET /users/me``, with implications already resolved by Agiler) decide which of them work. A
control the token cannot use is shown disabled, naming the missing scope::

    {% scope_gate "projects.backups:write" as gate %}
    <button {% if not gate.allowed %}disabled aria-disabled="true"{% endif %}>Restore</button>
    {% if not gate.allowed %}<div class="form-hint">{{ gate.reason }}</div>{% endif %}

Scopes are cached per user in Django's cache for ``SCOPES_TTL`` seconds, keyed by the token's
fingerprint, and forgotten when the token is saved, replaced, removed or rejected. A rejected
token is asked about again once per ``SCOPES_TTL``; if Agiler accepts it, the flag is cleared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from portal.agiler import AgilerClient, AgilerError
from portal.agiler import errors as agiler_errors
from portal.tokens.scope_cache import (  # noqa: F401  (re-exported for callers)
    SCOPES_TTL,
    ScopeLookup,
    _cache_key,
    _index_key,
    _memo,
    cached_scopes,
    forget_scopes,
    remember_scopes,
    stored_token_row,
)

logger = logging.getLogger(__name__)

#: scope → (group, what it lets the portal do, in plain words)
SCOPE_INFO: dict[str, tuple[str, str]] = {
    "projects:read": ("Projects", "See projects and everything in them"),
    "projects:write": ("Projects", "Create, change and delete projects and everything in them"),
    "projects.backups:read": ("Backups", "List backups and download them"),
    "projects.backups:write": ("Backups", "Take, restore and delete backups; set the policy"),
    "projects.domains:read": ("Domains", "See a project's domains"),
    "projects.domains:write": ("Domains", "Add, change and remove domains"),
    "projects.files:read": ("Files", "Browse and download a site's files"),
    "projects.files:write": ("Files", "Upload, move and delete files"),
    "projects.logs:read": ("Logs", "Read request and error logs"),
    "projects.rules:read": ("Rules", "See edge rules"),
    "projects.rules:write": ("Rules", "Create, change and delete edge rules"),
    "projects.sql:execute": ("Database", "Run SQL statements against the site's database"),
    "projects.usage:read": ("Usage", "See traffic and resource usage"),
    "projects.variables:read": ("Variables", "See environment variables (not secret values)"),
    "projects.variables:write": ("Variables", "Set and delete environment variables"),
    "billing:read": ("Billing", "See the billing profile, transactions and statements"),
    "billing:write": ("Billing", "Change billing details, budgets and payment methods"),
    "notifications:read": ("Notifications", "Read account notifications"),
    "notifications:write": ("Notifications", "Mark notifications as read"),
}
GROUP_ORDER = [
    "Projects",
    "Backups",
    "Domains",
    "Files",
    "Logs",
    "Rules",
    "Database",
    "Usage",
    "Variables",
    "Billing",
    "Notifications",
]


def describe_scope(scope: str) -> str:
    """Plain words for ``scope`` ("Take, restore and delete backups; set the policy")."""
    return SCOPE_INFO.get(scope, ("Other", scope))[1]


#: scope → (what a token without it cannot do, the access to ask the account owner for)
SCOPE_CANNOT: dict[str, tuple[str, str]] = {
    "projects:read": ("see projects", "project"),
    "projects:write": ("change projects", "project change"),
    "projects.backups:read": ("see backups", "backup"),
    "projects.backups:write": ("take backups", "backup"),
    "projects.domains:read": ("see domains", "domain"),
    "projects.domains:write": ("change domains", "domain change"),
    "projects.files:read": ("see a site's files", "file"),
    "projects.files:write": ("change a site's files", "file change"),
    "projects.logs:read": ("read logs", "log"),
    "projects.rules:read": ("see rules", "rule"),
    "projects.rules:write": ("change rules", "rule change"),
    "projects.sql:execute": ("run SQL", "SQL"),
    "projects.usage:read": ("see usage", "usage"),
    "projects.variables:read": ("see variables", "variable"),
    "projects.variables:write": ("change variables", "variable change"),
    "billing:read": ("see billing", "billing"),
    "billing:write": ("change billing", "billing change"),
    "notifications:read": ("read notifications", "notification"),
    "notifications:write": ("dismiss notifications", "notification change"),
}


def missing_scope_reason(scope: str) -> str:
    """The one wording for a control the token cannot use (and for an upstream 403), for a
    person: "Your Agiler token can't take backups. Ask the account owner for a token with
    backup access." The scope's name is secondary text beside it (``Gate.scope``,
    components/gate_reason.html), never the sentence itself."""
    cannot, access = SCOPE_CANNOT.get(scope, (describe_scope(scope).lower(), scope))
    return (
        f"Your Agiler token can't {cannot}. Ask the account owner for a token with {access} access."
    )


@dataclass(frozen=True)
class ScopeGroup:
    """Scopes of one area for the token page: what the token can and cannot do there."""

    name: str
    granted: list[tuple[str, str]]
    missing: list[tuple[str, str]]


def grouped(scopes: frozenset[str]) -> list[ScopeGroup]:
    """Every known scope grouped by area, split into granted and missing."""
    groups: dict[str, ScopeGroup] = {name: ScopeGroup(name, [], []) for name in GROUP_ORDER}
    for scope, (group, words) in SCOPE_INFO.items():
        target = groups[group].granted if scope in scopes else groups[group].missing
        target.append((scope, words))
    extra = sorted(scopes - SCOPE_INFO.keys())
    if extra:
        groups["Other"] = ScopeGroup("Other", [(s, s) for s in extra], [])
    return list(groups.values())


# --- the cached lookup ---------------------------------------------------------------------------


def lookup_scopes(user: Any) -> ScopeLookup:
    """Effective scopes of ``user``'s token, from the cache or ``GET /users/me``."""
    from portal.tokens.store import mark_token_rejected, token_for, unbound_client

    memo = _memo(user)
    remembered: ScopeLookup | None = memo.get("lookup")
    if remembered is not None:
        return remembered
    if not getattr(user, "is_authenticated", False):
        return ScopeLookup(None, "no_token")
    row = stored_token_row(user)
    if row is None:
        result = ScopeLookup(None, "no_token")
    elif row.rejected_at is not None:
        result = ScopeLookup(None, "rejected")
        if _may_reprobe(user.pk, row):
            # One 401 may have been an upstream hiccup: ask again now and then, and clear the
            # flag when the same token works (``_fetch`` does that on success).
            result = _fetch(user, row, token_for, unbound_client, mark_token_rejected)
    else:
        cached = cached_scopes(user.pk, row.fingerprint)
        if cached is not None:
            result = ScopeLookup(frozenset(cached))
        else:
            result = _fetch(user, row, token_for, unbound_client, mark_token_rejected)
    memo["lookup"] = result
    return result


def _may_reprobe(user_id: int, row: Any) -> bool:
    """Whether a rejected token is due another ``/users/me`` (at most once per ``SCOPES_TTL``)."""
    if timezone.now() - row.rejected_at < timedelta(seconds=SCOPES_TTL):
        return False  # just refused: asking again at once would only double every 401
    # cache.add is atomic: of several concurrent pages, one probes and the rest stay "rejected".
    return bool(cache.add(f"{_cache_key(user_id, row.fingerprint)}:reprobe", 1, SCOPES_TTL))


def _fetch(
    user: Any,
    row: Any,
    token_for: Callable[[Any], str | None],
    client: Callable[[str], AgilerClient],
    reject: Callable[[Any], None],
) -> ScopeLookup:
    from portal.tokens.store import clear_token_rejected, remember_identity

    token = token_for(user)
    if token is None:
        return ScopeLookup(None, "no_token")
    try:
        me = client(token).get_me()
    except agiler_errors.Unauthorized:
        reject(user)
        return ScopeLookup(None, "rejected")
    except AgilerError as error:
        logger.warning("could not read token scopes for user id %s: %s", user.pk, type(error))
        return ScopeLookup(None, "unavailable")
    scopes = frozenset(me.effective_scopes)
    if row.rejected_at is not None:
        clear_token_rejected(user, row.fingerprint)
    if not row.agiler_email:  # a seeded demo token: learn whose it is
        remember_identity(row, me)
    remember_scopes(user, row.fingerprint, scopes)
    return ScopeLookup(scopes)


def effective_scopes(user: Any) -> frozenset[str] | None:
    """The scopes ``user``'s token effectively holds, or None when unknown (no token, refused,
    or Agiler unreachable)."""
    return lookup_scopes(user).scopes


class Reason(str):
    """A disabled control's sentence for a person, carrying the Agiler scope behind it, so
    wherever the text travels (a confirmation's ``blocked``) the scope can be shown beside it as
    secondary text (components/gate_reason.html, components/confirm.html)."""

    scope: str = ""

    @classmethod
    def of(cls, text: str, scope: str) -> Reason:
        reason = cls(text)
        reason.scope = scope
        return reason


@dataclass(frozen=True)
class Gate:
    """The answer to "may this person's token do ``scope``?" for one control."""

    scope: str
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def scope_gate(user: Any, scope: str) -> Gate:
    """Whether ``user``'s token holds ``scope``, with the sentence to show when it does not.

    When Agiler cannot be asked right now the control stays enabled: Agiler still enforces the
    scope, and a clear 403 page beats a control greyed out for the wrong reason.
    """
    lookup = lookup_scopes(user)
    if lookup.scopes is not None:
        if scope in lookup.scopes:
            return Gate(scope, True)
        return Gate(scope, False, Reason.of(missing_scope_reason(scope), scope))
    if lookup.problem == "no_token":
        return Gate(scope, False, "Save your Agiler token first (Your Agiler token page).")
    if lookup.problem == "rejected":
        return Gate(scope, False, "Agiler refused your saved token: replace it first.")
    return Gate(scope, True)

"""The cache of each person's token scopes: shared by the token store (which fills or clears it
when a token is saved, replaced or refused) and the scope lookup (which reads it)."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from portal.lib.process_memo import ProcessMemo

SCOPES_TTL = 120  # seconds: short, so a token re-issued upstream is noticed soon
#: The scope gates of nearly every page read them: each process keeps them this long (seconds)
#: in front of the cache. Keyed by the token's fingerprint, read from the database on every
#: request: a replaced, removed or refused token is never served from here. Scopes Agiler changes
#: on the same token are seen within SCOPES_TTL + SCOPES_LOCAL (Agiler enforces them meanwhile).
SCOPES_LOCAL = 30
_here: ProcessMemo[list[str]] = ProcessMemo(SCOPES_LOCAL)


@dataclass(frozen=True)
class ScopeLookup:
    """Effective scopes, or why they are unknown: ``no_token``, ``rejected`` or ``unavailable``."""

    scopes: frozenset[str] | None
    problem: str = ""


def _memo(user: Any) -> dict[str, Any]:
    # Per-request memo on the request's user object: one page asking ten gates makes one lookup,
    # even when Agiler is down and nothing gets cached.
    memo: dict[str, Any] | None = getattr(user, "_agiler_scopes_memo", None)
    if memo is None:
        memo = {}
        with contextlib.suppress(AttributeError):
            user._agiler_scopes_memo = memo
    return memo


_UNREAD = object()


def seed_token_row(user: Any, row: Any) -> None:
    """Remember ``row`` (an ``AgilerToken`` or None) as ``user``'s stored token for this request:
    the authentication backend loads it with the person, so neither ``token_for`` nor the scope
    gates query it again. Any change to the token clears it (``forget_scopes``)."""
    _memo(user)["row"] = row


def stored_token_row(user: Any) -> Any:
    """``user``'s ``AgilerToken`` row (or None), read once per request and then remembered.

    Remembered on the user object, which lives one request: code outside a request that keeps
    a ``User`` for longer (a shell, a command) should load the person again to see a change."""
    memo = _memo(user)
    row = memo.get("row", _UNREAD)
    if row is _UNREAD:
        from portal.accounts.models import AgilerToken

        row = memo["row"] = AgilerToken.objects.filter(user_id=user.pk).first()
    return row


def forget_token_row(user: Any) -> None:
    """Drop the remembered row: the next read in this request asks the database."""
    _memo(user).pop("row", None)


def cached_scopes(user_id: int, token_fingerprint: str) -> list[str] | None:
    """The scopes cached for this token, or None: from this process's copy, else the cache."""
    key = _cache_key(user_id, token_fingerprint)
    found = _here.get(key)
    if found is None:
        found = cache.get(key)
        if found is not None:
            _here.set(key, found)
    return found


def _cache_key(user_id: int, token_fingerprint: str) -> str:
    # Hashed: the fingerprint has spaces and an ellipsis, which some cache backends refuse.
    digest = hashlib.sha256(token_fingerprint.encode()).hexdigest()[:16]
    return f"portal:agiler-scopes:{user_id}:{digest}"


def _index_key(user_id: int) -> str:
    return f"portal:agiler-scopes-key:{user_id}"


def remember_scopes(user: Any, token_fingerprint: str, scopes: frozenset[str]) -> None:
    """Cache ``scopes`` for ``user``'s token (called after a validation already fetched them)."""
    key = _cache_key(user.pk, token_fingerprint)
    cache.set(key, sorted(scopes), SCOPES_TTL)
    _here.set(key, sorted(scopes))
    cache.set(_index_key(user.pk), key, SCOPES_TTL)
    _memo(user)["lookup"] = ScopeLookup(scopes)


def forget_scopes(user: Any) -> None:
    """Drop ``user``'s cached scopes (their token changed or was refused)."""
    key = cache.get(_index_key(user.pk))
    if key:
        cache.delete(key)
        _here.forget(key)
    cache.delete(_index_key(user.pk))
    _memo(user).clear()

"""Each person's own Agiler token: validate, store encrypted, hand out, replace, remove.

The only functions that ever hold a plaintext token are here and in ``crypto``. They are marked
``sensitive_variables`` so Django's error reports never show it, and nothing they log, audit or
return for display contains it: people see a fingerprint (last characters and a keyed-hash
prefix) instead.

Others call:

* ``token_for(user) -> str | None`` — the decrypted token, or None when absent or unreadable
  (fail closed: an unreadable ciphertext is reported and treated as absent).
* ``mark_token_rejected(user, request=None)`` — Agiler answered 401 for the stored token.
* ``clear_token_rejected(user, fingerprint)`` — a later ``/users/me`` with that token worked.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal.accounts.models import AgilerToken
from portal.agiler import AgilerClient, AgilerError, SelfUser
from portal.agiler import errors as agiler_errors
from portal.audit import user_target
from portal.audit.actions import Action
from portal.tokens.clients import build_client
from portal.tokens.crypto import Sealed, TokenDecryptError, get_keyring
from portal.tokens.scope_cache import forget_token_row, stored_token_row

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

#: ``last_used_at`` is written at most this often per token: a write per API call is wasteful.
LAST_USED_GRANULARITY = timedelta(minutes=5)
MIN_TOKEN_LENGTH = 8
MAX_TOKEN_LENGTH = 512


class TokenRefused(Exception):
    """A pasted token was not saved; ``str(exc)`` is a message for the person (no token in it)."""


@dataclass(frozen=True)
class TokenState:
    """What the portal may show about a person's stored token (never the token itself)."""

    present: bool
    readable: bool = False
    fingerprint: str = ""
    created_at: datetime | None = None
    replaced_at: datetime | None = None
    last_used_at: datetime | None = None
    rejected: bool = False
    agiler_name: str = ""
    agiler_email: str = ""


# --- helpers -------------------------------------------------------------------------------------


def _audit(**kwargs: Any) -> None:
    # Imported lazily: the audit app imports accounts models.
    from portal.audit import record

    record(**kwargs)


def _fingerprint_key() -> bytes:
    # A keyed hash, so a fingerprint cannot be used to test guesses without the server secret.
    secret = getattr(settings, "PORTAL_AUDIT_HMAC_KEY", "") or settings.SECRET_KEY
    return hmac.new(secret.encode(), b"portal.accounts.token-fingerprint", sha256).digest()


@sensitive_variables("token")
def fingerprint(token: str) -> str:
    """``…wner · 3f9a1c2b`` — the last 4 characters (for long tokens) and a keyed-hash prefix."""
    digest = hmac.new(_fingerprint_key(), token.encode(), sha256).hexdigest()[:8]
    tail = f"…{token[-4:]} · " if len(token) >= 16 else ""
    return f"{tail}{digest}"


@sensitive_variables("token")
def clean_token(token: str) -> str:
    """Return ``token`` stripped of surrounding blanks, or raise TokenRefused if it is not one."""
    token = (token or "").strip()
    if not token:
        raise TokenRefused("Paste your Agiler API token.")
    if not (MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH) or not all(
        "!" <= ch <= "~" for ch in token
    ):
        raise TokenRefused(
            "That does not look like an Agiler API token (one line of letters, digits and "
            "punctuation, as copied from Settings → API Keys in the Agiler app)."
        )
    return token


@sensitive_variables("token")
def unbound_client(token: str) -> AgilerClient:
    """An Agiler client for ``token`` that is not tied to a portal user (token validation)."""
    return build_client(token)


@sensitive_variables("token")
def validate_token(token: str) -> SelfUser:
    """Ask Agiler whose ``token`` this is (``GET /users/me``); raise TokenRefused if refused."""
    try:
        return unbound_client(token).get_me()
    except agiler_errors.Unauthorized:
        raise TokenRefused(
            "Agiler did not accept this token: it is unknown, revoked or expired. Nothing was "
            "saved."
        ) from None
    except agiler_errors.PermissionDenied:
        raise TokenRefused(
            "Agiler accepted the token but would not tell the portal whose it is "
            "(GET /users/me was refused). Nothing was saved."
        ) from None
    except (agiler_errors.AgilerUnavailable, agiler_errors.ServerError, agiler_errors.RateLimited):
        raise TokenRefused(
            "The portal could not reach Agiler to check the token. Nothing was saved; try again "
            "in a moment."
        ) from None
    except AgilerError:
        raise TokenRefused(
            "Agiler gave an unexpected answer while checking the token. Nothing was saved."
        ) from None


def _summary(row: AgilerToken) -> dict[str, object]:
    return {"fingerprint": row.fingerprint, "agiler_email": row.agiler_email, "key": row.key_id}


# --- services ------------------------------------------------------------------------------------


@sensitive_variables("token")
def token_save(*, user: Any, token: str, request: HttpRequest | None = None) -> AgilerToken:
    """Validate ``token`` with Agiler and store it encrypted for ``user`` (saving or replacing).

    Raises TokenRefused (nothing stored) when the token is malformed or Agiler refuses it; the
    refusal is audited too, without the token.
    """
    from portal.tokens.scope_cache import forget_scopes, remember_scopes

    token = clean_token(token)
    try:
        me = validate_token(token)
    except TokenRefused as refused:
        _audit(
            action=Action.TOKENS_SAVED,
            actor=user,
            request=request,
            outcome="failure",
            **user_target(user, "agiler_token"),
            summary={"reason": str(refused)},
        )
        raise
    row = _store(user=user, token=token, me=me, request=request)
    forget_scopes(user)
    remember_scopes(user, row.fingerprint, frozenset(me.effective_scopes))
    return row


@sensitive_variables("token")
def token_seed(*, user: Any, token: str) -> AgilerToken:
    """Store ``token`` for a demo user without asking Agiler (``seed_demo`` runs before the
    sandbox is up). Same encryption path; the identity is filled in on first use."""
    from portal.tokens.scope_cache import forget_scopes

    row = _store(user=user, token=clean_token(token), me=None, request=None)
    forget_scopes(user)
    return row


@sensitive_variables("token", "sealed")
def _store(
    *, user: Any, token: str, me: SelfUser | None, request: HttpRequest | None
) -> AgilerToken:
    sealed = get_keyring().encrypt(token, user_id=user.pk)
    now = timezone.now()
    with transaction.atomic():
        row = AgilerToken.objects.select_for_update().filter(user=user).first()
        replacing = row is not None
        if row is None:
            row = AgilerToken(user=user)
        else:
            row.replaced_at = now
        row.ciphertext = sealed.ciphertext
        row.nonce = sealed.nonce
        row.key_id = sealed.key_id
        row.fingerprint = fingerprint(token)
        row.last_used_at = None
        row.rejected_at = None
        if me is not None:
            remember_identity(row, me, save=False)
        row.save()
        summary = _summary(row)
        if me is None:
            summary["seeded"] = "demo user, not checked with Agiler"
        _audit(
            action=Action.TOKENS_REPLACED if replacing else Action.TOKENS_SAVED,
            actor=user,
            request=request,
            **user_target(user, "agiler_token"),
            summary=summary,
        )
    return row


def remember_identity(row: AgilerToken, me: SelfUser, *, save: bool = True) -> None:
    """Cache the Agiler identity ``GET /users/me`` gave for ``row``'s token."""
    row.agiler_user_id = str(me.id)[:64]
    row.agiler_name = me.name[:200]
    row.agiler_email = me.email[:254]
    if save:
        AgilerToken.objects.filter(pk=row.pk).update(
            agiler_user_id=row.agiler_user_id,
            agiler_name=row.agiler_name,
            agiler_email=row.agiler_email,
        )


def token_remove(*, user: Any, request: HttpRequest | None = None) -> bool:
    """Delete ``user``'s stored token; return whether there was one."""
    from portal.tokens.scope_cache import forget_scopes

    with transaction.atomic():
        row = AgilerToken.objects.select_for_update().filter(user=user).first()
        if row is None:
            return False
        summary = _summary(row)
        row.delete()
        _audit(
            action=Action.TOKENS_REMOVED,
            actor=user,
            request=request,
            **user_target(user, "agiler_token"),
            summary=summary,
        )
    forget_scopes(user)
    return True


@sensitive_variables("token")
def token_for(user: Any) -> str | None:
    """Return ``user``'s decrypted Agiler token, or None when absent or unreadable (fail closed)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    # Loaded with the person by the authentication backend, else read once for this request;
    # the scope gates use the same row. Every write that replaces, removes or refuses the token
    # clears it (``forget_scopes``).
    row = stored_token_row(user)
    if row is None:
        return None
    try:
        token = get_keyring().decrypt(
            Sealed(ciphertext=bytes(row.ciphertext), nonce=bytes(row.nonce), key_id=row.key_id),
            user_id=user.pk,
        )
    except TokenDecryptError as problem:
        # Reported (the operator runs check_token_keys), never sent upstream as ciphertext.
        logger.error(
            "Stored Agiler token of portal user id %s cannot be decrypted: %s. Treating it as "
            "absent; run manage.py check_token_keys.",
            user.pk,
            problem,
        )
        from portal.audit import record, user_target

        record(
            action=Action.TOKENS_UNREADABLE,
            actor=user,
            outcome="failure",
            error_code="decrypt",
            error_message=str(problem)[:300],
            summary={"key_id": row.key_id},
            **user_target(user, "agiler_token"),
        )
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        AgilerToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return token


@sensitive_variables()
def token_readable(row: AgilerToken) -> bool:
    """Whether ``row`` decrypts under the configured keys for its owner."""
    try:
        get_keyring().decrypt(
            Sealed(ciphertext=bytes(row.ciphertext), nonce=bytes(row.nonce), key_id=row.key_id),
            user_id=row.user_id,
        )
    except TokenDecryptError:
        return False
    return True


def token_state(user: Any) -> TokenState:
    """What the token page and banners may show about ``user``'s token."""
    row = stored_token_row(user)
    if row is None:
        return TokenState(present=False)
    return TokenState(
        present=True,
        readable=token_readable(row),
        fingerprint=row.fingerprint,
        created_at=row.created_at,
        replaced_at=row.replaced_at,
        last_used_at=row.last_used_at,
        rejected=row.rejected_at is not None,
        agiler_name=row.agiler_name,
        agiler_email=row.agiler_email,
    )


def token_rejected(user: Any) -> bool:
    """Whether Agiler has refused ``user``'s stored token (for the page banner)."""
    row = stored_token_row(user)
    return row is not None and row.rejected_at is not None


def mark_token_rejected(user: Any, *, request: HttpRequest | None = None) -> None:
    """Record that Agiler answered 401 for ``user``'s stored token.

    Pages then show a banner asking for a new token until it is replaced. The first rejection is
    audited; repeats while the banner is up are not, so a busy page cannot flood the log.
    """
    from portal.tokens.scope_cache import forget_scopes

    if user is None or not getattr(user, "is_authenticated", False):
        return
    with transaction.atomic():
        row = AgilerToken.objects.select_for_update().filter(user_id=user.pk).first()
        if row is None or row.rejected_at is not None:
            # Another request got there first: this one's memo still holds the row as it was
            # when the request began, and the banner must show here too.
            forget_scopes(user)
            return
        row.rejected_at = timezone.now()
        row.save(update_fields=["rejected_at"])
        _audit(
            action=Action.TOKENS_REJECTED,
            actor=user,
            request=request,
            outcome="failure",
            **user_target(user, "agiler_token"),
            summary={**_summary(row), "reason": "Agiler answered 401 (revoked or expired)"},
        )
    forget_scopes(user)


def clear_token_rejected(user: Any, fingerprint: str) -> bool:
    """Agiler accepted ``user``'s token again: drop the rejected flag; return whether it was set.

    Only the token with ``fingerprint`` is cleared, so an answer for a token that has since been
    replaced cannot clear a flag that belongs to the new one.
    """
    cleared = AgilerToken.objects.filter(
        user_id=user.pk, fingerprint=fingerprint, rejected_at__isnull=False
    ).update(rejected_at=None)
    if cleared:
        forget_token_row(user)  # the request's copy still says "refused"
    return bool(cleared)


@sensitive_variables("plaintext")
def reencrypt(row: AgilerToken) -> bool:
    """Re-seal ``row`` under the primary key; return False (row untouched) if it cannot be read."""
    keyring = get_keyring()
    try:
        plaintext = keyring.decrypt(
            Sealed(ciphertext=bytes(row.ciphertext), nonce=bytes(row.nonce), key_id=row.key_id),
            user_id=row.user_id,
        )
    except TokenDecryptError:
        return False
    sealed = keyring.encrypt(plaintext, user_id=row.user_id)
    del plaintext
    AgilerToken.objects.filter(pk=row.pk).update(
        ciphertext=sealed.ciphertext, nonce=sealed.nonce, key_id=sealed.key_id
    )
    return True

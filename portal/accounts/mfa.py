"""Two-factor sign-in services: TOTP enrolment, recovery codes, verification, policy, reset.

TOTP devices are django-otp's; recovery codes are our hashed ``RecoveryCodeDevice``. Every change
is audited (``mfa.enrolled``, ``mfa.reset``, ``mfa.policy_changed``), never with a secret or code.
"""

from __future__ import annotations

import base64
from base64 import b32encode
from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django.core.cache import cache
from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from portal.accounts.mfa_models import RecoveryCodeDevice
from portal.accounts.models import SecurityPolicy
from portal.accounts.sessions import end_sessions
from portal.audit import user_target
from portal.audit.actions import Action
from portal.lib.process_memo import ProcessMemo

if TYPE_CHECKING:
    from django.http import HttpRequest

_POLICY_CACHE_KEY = "portal:security-policy:require-mfa"
_POLICY_TTL = 60
#: read on every request of a signed-in person: each process keeps it this long (seconds), so a
#: change an admin makes is in force in the other processes within that time, in theirs at once
_POLICY_LOCAL = 5
_policy_here: ProcessMemo[tuple[bool, bool]] = ProcessMemo(_POLICY_LOCAL)


def _audit(**kwargs: Any) -> None:
    from portal.audit import record

    record(**kwargs)


def has_mfa(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


#: Session key: the id of the person this session found without an authenticator app.
_ABSENT_KEY = "_mfa_absent_for"


def session_has_mfa(user: Any, session: Any) -> bool:
    """``has_mfa(user)`` for a request of ``session``, asked of the database once per session.

    The sign-in policy needs the answer on every request of a session not verified with a code
    (everyone, where two-factor sign-in is not required): a query each time. A "no" is kept in
    the session; it cannot go stale, because enrolling (``mfa_confirm_enrolment``) ends every
    other session of the person, and the enrolling one is verified from then on. A "yes" is
    never kept: such a session is signed out at once.
    """
    if session.get(_ABSENT_KEY) == user.pk:
        return False
    found = has_mfa(user)
    if not found:
        session[_ABSENT_KEY] = user.pk
    return found


def _policy() -> tuple[bool, bool]:
    """(everyone, admins) two-factor requirements, cached briefly (in this process for
    ``_POLICY_LOCAL``, in the shared cache for ``_POLICY_TTL``)."""
    remembered = _policy_here.get(_POLICY_CACHE_KEY)
    if remembered is not None:
        return remembered
    value = cache.get(_POLICY_CACHE_KEY)
    if value is None:
        policy = SecurityPolicy.current()
        value = (policy.require_mfa, policy.require_mfa_admins)
        cache.set(_POLICY_CACHE_KEY, value, _POLICY_TTL)
    found = bool(value[0]), bool(value[1])
    _policy_here.set(_POLICY_CACHE_KEY, found)
    return found


def mfa_required() -> bool:
    """Whether admins require two-factor sign-in for everyone (cached briefly)."""
    return _policy()[0]


def mfa_required_for_admins() -> bool:
    """Whether admins must use two-factor sign-in (on by default; cached briefly)."""
    return _policy()[1]


def mfa_required_for(user: Any) -> bool:
    """Whether ``user`` must set up two-factor sign-in before using the portal."""
    everyone, admins = _policy()
    return everyone or (admins and getattr(user, "role", None) == "admin")


def policy_set_require_mfa(
    *,
    actor: Any,
    value: bool,
    admins: bool | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """Set the two-factor requirements (everyone; and, when given, admins); return whether
    anything changed (an unchanged policy records nothing)."""
    with transaction.atomic():
        policy = SecurityPolicy.current()
        admins = policy.require_mfa_admins if admins is None else admins
        if (policy.require_mfa, policy.require_mfa_admins) == (value, admins):
            return False
        policy.require_mfa, policy.require_mfa_admins = value, admins
        policy.save()
        _audit(
            action=Action.MFA_POLICY_CHANGED,
            actor=actor,
            request=request,
            target_type="security_policy",
            target_id="1",
            target_label="Two-factor sign-in requirement",
            summary={"require_mfa": value, "require_mfa_admins": admins},
        )
    cache.delete(_POLICY_CACHE_KEY)
    _policy_here.forget()
    return True


#: session key holding the secret of the authenticator being set up (nothing is saved on GET)
_ENROLMENT_KEY = "mfa_enrolment_key"


@sensitive_variables("key")
def enrolment_device(user: Any, session: Any) -> TOTPDevice:
    """The authenticator being set up for ``user`` in this session, not yet saved.

    Its secret lives in the session until the first confirmation attempt, so merely viewing the
    set-up page writes no device row, and reloading it keeps the QR code already scanned.
    """
    key = session.get(_ENROLMENT_KEY)
    if not isinstance(key, str) or len(key) != 40 or not _is_hex(key):
        key = random_hex(20)
        session[_ENROLMENT_KEY] = key
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False, key=key).first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", key=key, confirmed=False)
    return device


def forget_enrolment(session: Any) -> None:
    """Drop the pending set-up secret (after it was confirmed)."""
    session.pop(_ENROLMENT_KEY, None)


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


@sensitive_variables()
def enrolment_details(device: TOTPDevice) -> dict[str, str]:
    """The QR code (an SVG data URI) and the base32 secret for typing in by hand."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return {
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


class CodeRefused(Exception):
    """The code did not verify; ``str(exc)`` is the message for the person."""


class StepUpRefused(CodeRefused):
    """Replacing an existing second factor without proving the current password or code."""


@sensitive_variables("current")
def proves_current_factor(user: Any, current: str) -> bool:
    """Whether ``current`` is ``user``'s password, or a code their current second factor accepts."""
    if not current:
        return False
    if user.check_password(current):
        return True
    return verify_second_factor(user, current) is not None


@sensitive_variables("code", "codes", "current")
def mfa_confirm_enrolment(
    *,
    user: Any,
    device: TOTPDevice,
    code: str,
    current: str = "",
    request: HttpRequest | None = None,
) -> list[str]:
    """Confirm ``device`` with a code from the app; return fresh recovery codes (show once).

    When ``user`` already has two-factor sign-in, ``current`` must be their password or a code
    from the current authenticator (or a recovery code): a hijacked session must not be able to
    swap the second factor for the attacker's. Raises ``StepUpRefused`` otherwise, before the
    new code is even tried.
    """
    if has_mfa(user) and not proves_current_factor(user, current):
        raise StepUpRefused(
            "That is neither your password nor a current code. Enter one of them to replace "
            "your two-factor sign-in."
        )
    code = "".join(code.split())
    if device.pk is None:
        # First attempt: save the pending device now so django-otp's throttling of wrong codes
        # persists; older never-confirmed attempts are dropped.
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
        device.save()
    if not code.isdigit() or not device.verify_token(code):
        raise CodeRefused(
            "That code did not match. Check the app shows the Agiler Team Portal entry and that "
            "the device's clock is right, then enter the current code."
        )
    with transaction.atomic():
        # One authenticator and one recovery set per person: enrolling again replaces both.
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        RecoveryCodeDevice.objects.filter(user_id=user.pk).delete()
        recovery = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes")
        codes = recovery.replace_codes()
        # No other session proved this factor (and one may remember "no authenticator", see
        # session_has_mfa): they end now, as each would have at its next request.
        session = getattr(request, "session", None)
        ended = end_sessions(user, keep=getattr(session, "session_key", None))
        if session is not None:
            session.pop(_ABSENT_KEY, None)
        _audit(
            action=Action.MFA_ENROLLED,
            actor=user,
            request=request,
            **user_target(user),
            summary={"devices": ["authenticator app", "recovery codes"], "sessions_ended": ended},
        )
    return codes


@sensitive_variables("code")
def verify_second_factor(user: Any, code: str) -> Device | None:
    """The device that accepts ``code`` (a TOTP code or a recovery code), or None."""
    code = code.strip()
    compact = "".join(code.split())
    if compact.isdigit():
        for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True):
            if device.verify_token(compact):
                return device
        return None
    for recovery in RecoveryCodeDevice.objects.filter(user_id=user.pk, confirmed=True):
        if recovery.verify_token(code):
            return recovery
    return None


def code_already_used(user: Any, code: str) -> bool:
    """Whether ``code`` is an authenticator code this person already signed in with (TOTP codes
    are single-use: the device remembers the last time step it accepted)."""
    from django_otp.oath import hotp

    compact = "".join(code.split())
    if not compact.isdigit():
        return False
    for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True):
        if device.last_t < 0:
            continue
        for step in range(device.last_t - device.tolerance, device.last_t + 1):
            if step >= 0 and hotp(device.bin_key, step, digits=device.digits) == int(compact):
                return True
    return False


def mfa_reset(*, actor: Any, user: Any, request: HttpRequest | None = None) -> bool:
    """Remove ``user``'s authenticator and recovery codes (they enrol again); return whether any."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user_id=user.pk).delete()[0]
        removed += RecoveryCodeDevice.objects.filter(user_id=user.pk).delete()[0]
        if removed:
            _audit(
                action=Action.MFA_RESET,
                actor=actor,
                request=request,
                **user_target(user),
                summary={"by_self": actor.pk == user.pk},
            )
    return bool(removed)


def recovery_codes_left(user: Any) -> int | None:
    """How many recovery codes ``user`` has left (None without two-factor sign-in)."""
    device = RecoveryCodeDevice.objects.filter(user_id=user.pk).first()
    return device.remaining if device else None

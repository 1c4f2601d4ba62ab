"""Recovery codes as a django-otp device, stored as hashes rather than in plain text.

django-otp's own static-token plugin keeps recovery codes readable in the database; these are
one-time passwords with the power of a second factor, so we store only their SHA-256. The codes
carry 80 random bits, so a fast hash is enough (no guessing dictionary exists for them).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django_otp.models import Device, ThrottlingMixin

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes get typed from paper


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_code(code: str) -> str:
    """Return the stored form of a recovery code (spaces, dashes and case ignored)."""
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_code() -> str:
    """Return a fresh recovery code like ``k7dm-2xqa-9tpw-hr4c`` (16 characters, ~79 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's set of one-time recovery codes (each works once)."""

    class Meta:
        verbose_name = "recovery code set"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def replace_codes(self) -> list[str]:
        """Discard every existing code and return a fresh set (shown to the user once)."""
        codes = [new_code() for _ in range(RECOVERY_CODE_COUNT)]
        with transaction.atomic():
            self.codes.all().delete()
            RecoveryCode.objects.bulk_create(
                RecoveryCode(device=self, code_hash=hash_code(code)) for code in codes
            )
        return codes

    def verify_token(self, token: str) -> bool:
        """Consume ``token`` if it is one of this set's unused codes."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # A concurrent double submit must not let one code sign in twice: delete() reports it.
        deleted, _ = self.codes.filter(code_hash=hash_code(str(token))).delete()
        if deleted:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    @property
    def remaining(self) -> int:
        """How many unused codes are left."""
        return self.codes.count()


class RecoveryCode(models.Model):
    """One unused recovery code, by hash."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    def __repr__(self) -> str:
        return f"<RecoveryCode device_id={self.device_id}>"

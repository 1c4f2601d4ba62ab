"""Portal users: people on the team, each with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from portal.accounts.roles import Role, role_allows


class User(AbstractUser):
    """A member of the team using the portal.

    ``role`` decides what the portal lets them do (``portal.accounts.roles``); their own Agiler
    token decides what Agiler lets them do.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SUPPORT)
    #: set when an admin created the account with a one-time password: change it at first sign-in
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    def can(self, action: str) -> bool:
        """Return whether this user's role allows ``action`` (inactive users may do nothing)."""
        return self.is_active and role_allows(self.role, action)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


class AgilerToken(models.Model):
    """A person's own Agiler API token, encrypted (see ``portal.tokens.crypto``).

    Only the ciphertext is stored. ``fingerprint`` (last characters and a keyed-hash prefix) lets
    the person recognise their token without the portal ever showing it again.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agiler_token")
    ciphertext = models.BinaryField()
    nonce = models.BinaryField(max_length=12)
    key_id = models.CharField(max_length=32, db_index=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    #: set when Agiler answered 401 for this token; cleared when the token is replaced
    rejected_at = models.DateTimeField(null=True, blank=True)
    agiler_user_id = models.CharField(max_length=64, blank=True)
    agiler_name = models.CharField(max_length=200, blank=True)
    agiler_email = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = "Agiler token"

    def __repr__(self) -> str:
        # Never the ciphertext or nonce: nothing here should help anyone attack the token.
        return f"<AgilerToken user_id={self.user_id} key_id={self.key_id!r} {self.fingerprint}>"

    __str__ = __repr__


class SecurityPolicy(models.Model):
    """Portal-wide sign-in policy set by admins on the People page (a single row, pk=1)."""

    require_mfa = models.BooleanField(
        default=False,
        help_text="Everyone must set up two-factor sign-in before using the portal.",
    )
    require_mfa_admins = models.BooleanField(
        default=True,
        help_text="Admins must set up two-factor sign-in before using the portal (default).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "security policy"
        verbose_name_plural = "security policy"

    @classmethod
    def current(cls) -> SecurityPolicy:
        """Return the policy row, creating the default one on first use."""
        from django.conf import settings

        policy, _ = cls.objects.get_or_create(
            pk=1,
            defaults={
                "require_mfa_admins": getattr(settings, "PORTAL_REQUIRE_MFA_FOR_ADMINS", True)
            },
        )
        return policy


from portal.accounts.mfa_models import RecoveryCode, RecoveryCodeDevice  # noqa: E402, F401

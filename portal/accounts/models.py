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

    class Meta:
        ordering = ["username"]

    def can(self, action: str) -> bool:
        """Return whether this user's role allows ``action`` (inactive users may do nothing)."""
        return self.is_active and role_allows(self.role, action)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role

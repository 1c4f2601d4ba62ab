"""Users: the authenticated user and the scopes of the token."""

from __future__ import annotations

from ._base import BaseClient
from .types import SelfUser


class MeMixin(BaseClient):
    """Operations of the reference section "Users"."""

    def get_me(self) -> SelfUser:
        """GET /users/me — Users (``effective_scopes`` has implications resolved)."""
        return self._get_model(SelfUser, "get_me", "/users/me")

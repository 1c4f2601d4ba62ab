"""How the portal loads the signed-in person on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from portal.accounts.models import AgilerToken, User
from portal.tokens.scope_cache import seed_token_row


class PortalBackend(ModelBackend):
    """Django's model backend, whose per-request load of the signed-in person brings their
    stored Agiler token along in the same SELECT (a LEFT JOIN).

    Nearly every page asks Agiler something as its user, so it needs that row: a second query
    for it cost each page ~0.3 ms of the worker and a database round trip (issue 14). The row
    goes into the request's token memo (``portal.tokens.scope_cache``), which every change to
    the token clears, so a page that replaces or refuses the token reads the new row.

    Signing in checks the password exactly as ``ModelBackend`` does.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("agiler_token").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            row: AgilerToken | None = user.agiler_token
        except AgilerToken.DoesNotExist:  # no token stored: the join found none
            row = None
        seed_token_row(user, row)
        return user

"""Notifications and pending verifications of the caller."""

from __future__ import annotations

from ._base import BaseClient
from .pagination import Page
from .types import NotificationOutput, PendingVerification


class NotificationsMixin(BaseClient):
    """Operations of the reference sections "Notifications" and "Verify"."""

    def list_notifications(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[NotificationOutput]:
        """GET /users/me/notifications — Notifications."""
        return self._get_page(
            NotificationOutput,
            "list_notifications",
            "/users/me/notifications",
            cursor=cursor,
            limit=limit,
        )

    def dismiss_notification(
        self, notification: str, *, idempotency_key: str | None = None
    ) -> None:
        """DELETE /users/me/notifications/{notification} — Notifications."""
        self._write(
            "dismiss_notification",
            "DELETE",
            "/users/me/notifications/{notification}",
            {"notification": notification},
            idempotency_key=idempotency_key,
        )

    def list_verifications(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[PendingVerification]:
        """GET /users/me/verify — Verify."""
        return self._get_page(
            PendingVerification,
            "list_verifications",
            "/users/me/verify",
            cursor=cursor,
            limit=limit,
        )

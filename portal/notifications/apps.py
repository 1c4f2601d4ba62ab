"""Notifications app configuration."""

from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notification pages (no models: everything is read from Agiler)."""

    name = "portal.notifications"
    label = "notifications"

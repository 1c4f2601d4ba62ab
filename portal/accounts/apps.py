from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Portal users, roles and the permission matrix, sign-in, and per-user Agiler tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

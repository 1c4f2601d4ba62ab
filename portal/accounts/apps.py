from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class AccountsConfig(AppConfig):
    """Portal users, roles and the permission matrix, sign-in, and per-user Agiler tokens."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from portal.accounts.throttle import on_login_failed
        from portal.tokens.crypto import load_keyring

        user_login_failed.connect(on_login_failed, dispatch_uid="portal.accounts.address_throttle")

        # Fail at start-up, not at the first token save: with DEBUG off the keys must be there
        # and well-formed; configured keys are checked in demo mode too. (With DEBUG on and no
        # keys, the demo key file is created on first use instead.)
        if getattr(settings, "PORTAL_TOKEN_KEYS", "") or not settings.DEBUG:
            load_keyring()

"""Django app config: carries the token key commands (rotate_token_keys, check_token_keys)."""

from __future__ import annotations

from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "portal.tokens"
    label = "tokens"
    verbose_name = "Agiler tokens"

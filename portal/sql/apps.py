from __future__ import annotations

from django.apps import AppConfig


class SqlConfig(AppConfig):
    name = "portal.sql"
    label = "sql"
    verbose_name = "SQL console"

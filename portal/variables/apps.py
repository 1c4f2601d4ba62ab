from __future__ import annotations

from django.apps import AppConfig


class VariablesConfig(AppConfig):
    name = "portal.variables"
    label = "variables"

"""Django app config: the sandbox is an app only to carry the ``runsandbox`` command."""

from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """No models; see agiler_sandbox/management/commands/runsandbox.py."""

    name = "agiler_sandbox"
    label = "sandbox"
    verbose_name = "Agiler sandbox"

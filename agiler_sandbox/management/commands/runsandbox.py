"""``manage.py runsandbox``: serve the Agiler sandbox over real HTTP (see docs/sandbox.md)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agiler_sandbox.cli import add_arguments, run


class Command(BaseCommand):
    """Run the stateful Agiler API simulator, printing its demo tokens on start."""

    help = "Serve the Agiler API sandbox (base URL http://HOST:PORT/v1)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Same flags as ``python -m agiler_sandbox``."""
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        """Build and serve the sandbox until interrupted."""
        try:
            run(options, out=self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

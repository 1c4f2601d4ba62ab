"""``manage.py audit_checkpoint [--to FILE|log]``: append a signed checkpoint of the chain head.

Run it on a schedule (cron, a systemd timer): each checkpoint pins how long the log was, so
``verify_audit_log --checkpoint FILE`` can tell when its newest events were removed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.audit.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = "Append a signed checkpoint (count, last id, head hash, time) of the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", help="a file path, or 'log' (default PORTAL_AUDIT_CHECKPOINT)")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write_checkpoint(options.get("to"))
        self.stdout.write(
            f"Checkpoint: {checkpoint['count']} events, head #{checkpoint['last_id']} "
            f"at {checkpoint['time']}."
        )

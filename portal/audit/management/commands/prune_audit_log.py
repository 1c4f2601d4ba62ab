"""``manage.py prune_audit_log --older-than DAYS``: retention, the one controlled deletion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from portal.audit.retention import PruneRefused, prune_events


class Command(BaseCommand):
    help = (
        "Delete audit events older than DAYS, leaving a checkpoint so the rest still verifies. "
        "Refuses to prune a chain that does not verify. The pruning is itself an audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than"]
        if days < 1:
            raise CommandError("--older-than must be at least 1 day.")
        try:
            result = prune_events(
                before=timezone.now() - timedelta(days=days), older_than_days=days
            )
        except PruneRefused as exc:
            raise CommandError(str(exc)) from None
        if result.deleted:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Pruned {result.deleted} audit events through #{result.through_id}; "
                    f"checkpoint {result.through_hash[:16]}… recorded as event #{result.event_id}."
                )
            )
        else:
            self.stdout.write(
                f"No audit events older than {days} days (recorded as #{result.event_id})."
            )

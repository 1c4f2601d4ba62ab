"""``manage.py verify_audit_log``: walk the hash chain; exit non-zero on any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; print the count verified and the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            if result.verified == 0:
                self.stdout.write("Audit log is empty: nothing to verify.")
                return
            self.stdout.write(
                self.style.SUCCESS(
                    f"Verified {result.verified} audit events (#{result.first_id}–"
                    f"#{result.last_id}): the chain is intact."
                )
            )
            return
        self.stdout.write(f"Verified {result.verified} audit events before the break.")
        raise CommandError(f"Audit chain broken at event #{result.broken_at}: {result.reason}.")

"""``manage.py verify_audit_log [--checkpoint FILE]``: walk the hash chain, and compare the log
with signed checkpoints kept outside the database; exit non-zero on any break or truncation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain; print the count verified and the first broken link. "
        "With --checkpoint FILE, also check the log against the signed checkpoints in FILE "
        "(truncation of the newest events)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a file of signed checkpoints (PORTAL_AUDIT_CHECKPOINT, or lines from the log)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            self.stdout.write(f"Verified {result.verified} audit events before the break.")
            raise CommandError(f"Audit chain broken at event #{result.broken_at}: {result.reason}.")
        if result.verified == 0:
            self.stdout.write("Audit log is empty: nothing to verify.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Verified {result.verified} audit events (#{result.first_id}–"
                    f"#{result.last_id}): the chain is intact."
                )
            )
        if options.get("checkpoint"):
            self._checkpoints(options["checkpoint"])

    def _checkpoints(self, path: str) -> None:
        from portal.audit.checkpoints import check_against

        try:
            with open(path, encoding="utf-8") as lines:
                report = check_against(lines)
        except OSError as exc:
            raise CommandError(f"Cannot read the checkpoint file {path}: {exc}.") from None
        if report.problems:
            for problem in report.problems:
                self.stdout.write(problem)
            raise CommandError(
                f"The audit log disagrees with {len(report.problems)} of its checkpoints: "
                "events were removed or rewritten."
            )
        newest = report.newest
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {report.checked} signed checkpoints"
                + (f" (newest: #{newest['last_id']} at {newest['time']})" if newest else "")
                + ": no truncation."
            )
        )

"""``manage.py check_token_keys`` — list stored tokens no configured key can decrypt.

Exits non-zero when there are any, so a deploy pipeline can refuse to drop a key too early.
``--generate ID`` prints a fresh ``ID:base64key`` entry for PORTAL_TOKEN_KEYS instead.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import AgilerToken
from portal.tokens.crypto import generate_key_entry, get_keyring
from portal.tokens.store import token_readable


class Command(BaseCommand):
    help = "List stored Agiler tokens that no configured PORTAL_TOKEN_KEYS key can decrypt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate",
            metavar="ID",
            nargs="?",
            const="k1",
            help="Print a new random key entry (ID:base64) for PORTAL_TOKEN_KEYS and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("generate"):
            self.stdout.write(generate_key_entry(options["generate"]))
            return
        keyring = get_keyring()
        by_key: Counter[str] = Counter()
        bad: list[AgilerToken] = []
        for row in AgilerToken.objects.select_related("user").order_by("pk").iterator():
            by_key[row.key_id] += 1
            if not token_readable(row):
                bad.append(row)
        keys = ", ".join(
            f"{key_id}{' (primary)' if i == 0 else ''}" for i, key_id in enumerate(keyring.key_ids)
        )
        self.stdout.write(f"Configured keys: {keys}")
        for key_id, count in sorted(by_key.items()):
            known = "" if keyring.has(key_id) else "  <- not configured"
            self.stdout.write(f"  {count} token(s) under {key_id!r}{known}")
        if not bad:
            self.stdout.write(self.style.SUCCESS("Every stored token decrypts."))
            return
        for row in bad:
            reason = "unknown key" if not keyring.has(row.key_id) else "authentication failed"
            self.stdout.write(
                f"  UNREADABLE user={row.user.get_username()} (id {row.user_id}) "
                f"key={row.key_id!r}: {reason}"
            )
        raise CommandError(
            f"{len(bad)} stored token(s) cannot be decrypted with the configured keys."
        )

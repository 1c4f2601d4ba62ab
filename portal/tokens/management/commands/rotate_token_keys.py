"""``manage.py rotate_token_keys`` — re-encrypt every stored Agiler token under the first key.

Put the new key first in PORTAL_TOKEN_KEYS (keep the old one after it), deploy, run this, check
``check_token_keys`` reports nothing, then drop the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.models import AgilerToken
from portal.audit.actions import Action
from portal.tokens.crypto import get_keyring
from portal.tokens.store import reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored Agiler token under the first PORTAL_TOKEN_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = get_keyring()
        primary = keyring.primary.id
        rotated = current = 0
        unreadable: list[str] = []
        for pk in AgilerToken.objects.order_by("pk").values_list("pk", flat=True):
            # One row at a time under a row lock: a person replacing their token meanwhile must
            # not have the new token overwritten by a re-encryption of the old one.
            with transaction.atomic():
                row = AgilerToken.objects.select_for_update().select_related("user").get(pk=pk)
                if row.key_id == primary:
                    current += 1
                    continue
                if reencrypt(row):
                    rotated += 1
                else:
                    unreadable.append(f"{row.user.get_username()} (key {row.key_id!r})")
        self.stdout.write(
            f"Primary key {primary!r}: {rotated} re-encrypted, {current} already current, "
            f"{len(unreadable)} unreadable."
        )
        from portal.audit import record

        record(
            action=Action.TOKENS_KEYS_ROTATED,
            actor=None,
            outcome="failure" if unreadable else "success",
            target_type="token_keys",
            target_label=f"primary key {primary}",
            summary={
                "primary": primary,
                "re_encrypted": rotated,
                "already_current": current,
                "unreadable": len(unreadable),
            },
        )
        if unreadable:
            for entry in unreadable:
                self.stdout.write(f"  unreadable: {entry}")
            raise CommandError(
                "Some tokens could not be decrypted with any configured key; their owners must "
                "paste them again (see check_token_keys)."
            )

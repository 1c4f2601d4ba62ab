"""``manage.py seed_demo`` — one demo user per role, for the embedded demo only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.roles import Role
from portal.tokens.store import token_seed

DEMO_PASSWORD = "agiler-demo"  # noqa: S105 - documented demo credential, refused without DEBUG
#: the sandbox's documented demo tokens (docs/sandbox.md), per portal role
DEMO_TOKENS = {
    Role.ADMIN: "ak_sandbox_owner",
    Role.OPERATOR: "ak_sandbox_owner",
    Role.FINANCE: "ak_sandbox_finance",
    Role.SUPPORT: "ak_sandbox_support",
}


class Command(BaseCommand):
    help = (
        "Create the demo users admin, operator, finance and support, each with the sandbox "
        "token for their role (DEBUG only)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with PORTAL_DEBUG off: demo passwords.")
        User = get_user_model()
        rows = []
        for role in Role:
            user, created = User.objects.get_or_create(
                username=role.value,
                defaults={"role": role.value, "email": f"{role.value}@demo.agiler.test"},
            )
            user.role = role.value
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            # Through the same encrypted path as a pasted token (not checked: the sandbox is
            # started after seeding).
            token_seed(user=user, token=DEMO_TOKENS[role])
            rows.append((role.value, "created" if created else "reset"))
        # The demo signs in with passwords only: the admin two-factor requirement (on by default
        # in production) is turned off here, visibly, on the People page.
        from portal.accounts.models import SecurityPolicy

        policy = SecurityPolicy.current()
        if policy.require_mfa_admins:
            policy.require_mfa_admins = False
            policy.save()
        self.stdout.write("Demo users (password: agiler-demo; each has its sandbox token):")
        for username, state in rows:
            self.stdout.write(f"  {username:<9} {state}")
        self.stdout.write(
            "Two-factor sign-in for admins is off in the demo (on by default otherwise): "
            "turn it on under People → Sign-in policy."
        )

"""``manage.py seed_demo`` — one demo user per role, for the embedded demo only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.roles import Role

DEMO_PASSWORD = "agiler-demo"  # noqa: S105 - documented demo credential, refused without DEBUG


class Command(BaseCommand):
    help = "Create the demo users admin, operator, finance and support (DEBUG only)."

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
            rows.append((role.value, "created" if created else "reset"))
        self.stdout.write("Demo users (password: agiler-demo):")
        for username, state in rows:
            self.stdout.write(f"  {username:<9} {state}")

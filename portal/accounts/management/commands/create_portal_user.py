"""``manage.py create_portal_user USERNAME --role ROLE`` — add a person to the portal."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.forms import UserCreateForm
from portal.accounts.people import user_create
from portal.accounts.roles import Role


class Command(BaseCommand):
    help = "Create a portal user with a role. Prompts for the password unless --password-stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (first line) instead of prompting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        # The web form's rules: the same username validator (a "/" or a space would break the
        # People page's URLs) and the same case-insensitive duplicate check.
        form = UserCreateForm(
            data={
                "username": options["username"],
                "role": options["role"],
                "email": options["email"],
            }
        )
        if not form.is_valid():
            problems = [
                f"{name}: {' '.join(str(error) for error in errors)}"
                for name, errors in form.errors.items()
            ]
            raise CommandError("Refused: " + "; ".join(problems))
        data = form.cleaned_data
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        candidate = User(username=data["username"], email=data["email"], role=data["role"])
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        user_create(
            actor=None,
            username=data["username"],
            role=data["role"],
            email=data["email"],
            password=password,
        )
        self.stdout.write(self.style.SUCCESS(f"Created {data['username']} ({data['role']})."))

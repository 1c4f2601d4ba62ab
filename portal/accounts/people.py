"""Portal user management services: create, change role, deactivate and reactivate.

Each change is one transaction with its audit event. The last active admin can be neither
demoted nor deactivated, so the portal can always be administered.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.sessions import end_sessions
from portal.audit.actions import Action

if TYPE_CHECKING:
    from django.http import HttpRequest


class LastAdminError(Exception):
    """The change would leave the portal without an active admin."""

    def __str__(self) -> str:
        return (
            "This is the last active admin: make someone else an admin first, so the portal can "
            "still be administered."
        )


def _audit(**kwargs: Any) -> None:
    from portal.audit import record

    record(**kwargs)


def _target(user: User) -> dict[str, str]:
    return {"target_type": "user", "target_id": str(user.pk), "target_label": user.get_username()}


def _own_session(actor: Any, user: User, request: HttpRequest | None) -> str | None:
    """The session to keep: the actor's own, when they change themselves."""
    if request is None or getattr(actor, "pk", None) != user.pk:
        return None
    return getattr(getattr(request, "session", None), "session_key", None)


def one_time_password() -> str:
    """A random first password (the person must replace it at first sign-in)."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def _guard_last_admin(user: User) -> None:
    # Lock the admin rows so two concurrent demotions cannot both see "another admin exists".
    admins = list(
        User.objects.select_for_update()
        .filter(role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if user.pk in admins and len(admins) <= 1:
        raise LastAdminError()


@sensitive_variables("password")
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create a portal user; return the user and their password.

    Without ``password`` the portal generates a one-time password the person must replace at
    first sign-in. ``actor`` is None when an operator runs ``create_portal_user`` (the event then
    has no actor, and its summary says it came from the command line).
    """
    chosen = password is not None
    if password is None:
        password = one_time_password()
    summary: dict[str, object] = {"role": role, "email": email}
    if actor is None:
        summary["via"] = "manage.py create_portal_user"
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            email=email,
            first_name=first_name,
            last_name=last_name,
            must_change_password=not chosen,
        )
        user.set_password(password)
        user.save()
        _audit(
            action=Action.USERS_CREATED,
            actor=actor,
            request=request,
            summary=summary,
            **_target(user),
        )
    return user, password


def user_set_role(
    *, actor: User, user: User, role: str, request: HttpRequest | None = None
) -> bool:
    """Change ``user``'s role; return whether it changed. Raises LastAdminError."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.role
        if old == role:
            return False
        if old == Role.ADMIN:
            _guard_last_admin(user)
        user.role = role
        user.save(update_fields=["role"])
        # New rights start from a new sign-in: no open page keeps acting under the old role.
        ended = end_sessions(user, keep=_own_session(actor, user, request))
        _audit(
            action=Action.USERS_ROLE_CHANGED,
            actor=actor,
            request=request,
            summary={"from": old, "to": role, "sessions_ended": ended},
            **_target(user),
        )
    return True


def user_set_active(
    *, actor: User, user: User, active: bool, request: HttpRequest | None = None
) -> bool:
    """Deactivate or reactivate ``user``; return whether it changed. Raises LastAdminError."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return False
        if not active and user.role == Role.ADMIN:
            _guard_last_admin(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        ended = 0 if active else end_sessions(user)
        _audit(
            action=Action.USERS_REACTIVATED if active else Action.USERS_DEACTIVATED,
            actor=actor,
            request=request,
            summary={"role": user.role, **({} if active else {"sessions_ended": ended})},
            **_target(user),
        )
    return True

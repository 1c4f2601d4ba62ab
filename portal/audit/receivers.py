"""Security events from Django's auth signals (and django-axes' lockout, when installed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from portal.audit import user_target
from portal.audit.actions import Action
from portal.audit.models import Outcome
from portal.audit.services import record_event


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A successful sign-in."""
    record_event(
        action=Action.AUTH_LOGIN,
        actor=user,
        request=request,
        **user_target(user),
    )


def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A sign-out (user is None when the session had already expired: nothing to record)."""
    if user is None:
        return
    record_event(
        action=Action.AUTH_LOGOUT,
        actor=user,
        request=request,
        **user_target(user),
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in: only the attempted username, never the password."""
    username = str(credentials.get("username", "") or "")
    record_event(
        action=Action.AUTH_LOGIN_FAILED,
        actor=None,
        request=request,
        outcome=Outcome.FAILURE,
        target_type="user",
        target_label=username,
        summary={"username": username},
    )


def on_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """django-axes locked an account or address out after repeated failures."""
    record_event(
        action=Action.AUTH_LOCKOUT,
        actor=None,
        request=request,
        outcome=Outcome.FAILURE,
        target_type="user",
        target_label=username or "",
        summary={"username": username or "", "ip_address": ip_address or ""},
    )


def connect() -> None:
    """Connect the receivers (idempotent thanks to dispatch_uid)."""
    user_logged_in.connect(on_login, dispatch_uid="portal.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="portal.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="portal.audit.login_failed")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # django-axes not installed: no lockout events to record
        return
    user_locked_out.connect(on_locked_out, dispatch_uid="portal.audit.lockout")

"""The cast: one portal user per role plus an outsider, and helpers every test uses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from portal.accounts.models import User
from portal.accounts.roles import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: str, *, is_active: bool = True) -> User:
        user = User(username=username, role=role, is_active=is_active, email=f"{username}@x.test")
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user("otto", Role.OPERATOR)


@pytest.fixture
def finance(make_user: Callable[..., User]) -> User:
    return make_user("fiona", Role.FINANCE)


@pytest.fixture
def support(make_user: Callable[..., User]) -> User:
    return make_user("sam", Role.SUPPORT)


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    """A deactivated account: it exists, but may do nothing."""
    return make_user("olga", Role.ADMIN, is_active=False)


@pytest.fixture
def cast(admin: User, operator: User, finance: User, support: User) -> dict[str, User]:
    return {"admin": admin, "operator": operator, "finance": finance, "support": support}


#: the sandbox token each role's demo user gets (as `seed_demo` stores them)
SANDBOX_TOKEN_FOR_ROLE = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}


@pytest.fixture
def upstream(settings):  # type: ignore[no-untyped-def]
    """The Agiler sandbox, in-process, as the portal's upstream; returns the sandbox app."""
    import httpx

    from portal.sandbox import create_app

    app = create_app(seed=1, faults_enabled=True, backup_seconds=0.5, restore_seconds=1.0)
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_API_URL = "http://sandbox.test/v1"
    settings.AGILER_MAX_RETRIES = 0
    return app


@pytest.fixture
def tokened_cast(cast: dict[str, User], upstream) -> dict[str, User]:  # type: ignore[no-untyped-def]
    """The cast, each with the sandbox token matching their role, stored encrypted."""
    from portal.accounts.tokens import token_seed

    for role, user in cast.items():
        token_seed(user=user, token=SANDBOX_TOKEN_FOR_ROLE[role])
    return cast


def client_for(user: User | None, *, enforce_csrf: bool = False) -> Client:
    """A test client signed in as ``user`` (anonymous when None)."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}

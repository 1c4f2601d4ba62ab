"""Billing tests: the sandbox in-process as the upstream, the cast holding their demo tokens.

(The same few lines as tests/workspaces/conftest.py, copied so each area owns its fixtures.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from portal.accounts.models import User
from portal.agiler import close_all
from portal.sandbox import create_app

#: the sandbox token each portal role holds in the demo (see manage.py seed_demo)
ROLE_TOKENS = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}
#: extra sandbox tokens (owner's data) for the missing-scope cases
NO_BILLING_TOKEN = "ak_test_no_billing"


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Any]:
    """A fresh seeded sandbox answering every Agiler call of the test, faults injectable."""
    app = create_app(seed=1, faults_enabled=True, tokens={NO_BILLING_TOKEN: ["projects:read"]})
    settings.AGILER_API_URL = "http://sandbox.test/v1"
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_MAX_RETRIES = 0
    yield app
    close_all()


@pytest.fixture
def give_token(sandbox: Any) -> Callable[[User, str], None]:
    """Store ``token`` for ``user`` the way the token page does (validated against the sandbox)."""
    from portal.accounts.tokens import token_save

    def give(user: User, token: str) -> None:
        token_save(user=user, token=token)

    return give


@pytest.fixture
def tokened_cast(cast: dict[str, User], give_token: Callable[[User, str], None]) -> dict[str, User]:
    """The cast, each with the demo token of their role."""
    for role, user in cast.items():
        give_token(user, ROLE_TOKENS[role])
    return cast


@pytest.fixture
def fin(tokened_cast: dict[str, User]) -> User:
    """The finance user, holding the finance token (billing:read and billing:write)."""
    return tokened_cast["finance"]


def owner_months(sandbox: Any) -> list[dict[str, Any]]:
    """The account owner's transaction months as the sandbox holds them (newest first)."""
    from portal.sandbox.scopes import OWNER

    return list(sandbox.state.user_data[OWNER].months)


def owner_billing(sandbox: Any) -> dict[str, Any]:
    """The account owner's billing profile as the sandbox holds it."""
    from portal.sandbox.scopes import OWNER

    return dict(sandbox.state.user_data[OWNER].billing)

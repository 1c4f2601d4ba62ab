"""Backups tests: the seeded sandbox in-process (faults on), the cast with their role's token,
and helpers to pick a project and backup and to move the sandbox's clock forward."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from portal.accounts.models import User
from portal.agiler import AgilerClient, close_all
from portal.sandbox import create_app

#: the sandbox token each portal role holds in the demo (see manage.py seed_demo)
ROLE_TOKENS = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}
BASE_URL = "http://sandbox.test/v1"


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Any]:
    """A fresh seeded sandbox answering every Agiler call of the test, faults injectable."""
    app = create_app(seed=1, faults_enabled=True, backup_seconds=3, restore_seconds=5)
    settings.AGILER_API_URL = BASE_URL
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
def direct(sandbox: Any) -> AgilerClient:
    """A client straight to the sandbox (no portal, no audit) to check what Agiler holds."""
    return AgilerClient(
        base_url=BASE_URL,
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


def a_project(sandbox: Any) -> Any:
    """The first seeded project (it has ~90 automatic backups and some on-demand ones)."""
    return next(iter(sandbox.state.projects.values()))


def advance(sandbox: Any, seconds: float) -> None:
    """Move the sandbox's clock forward: backups finish, restores end, without sleeping."""
    current: Callable[[], datetime] = sandbox.state.clock
    sandbox.state.clock = lambda: current() + timedelta(seconds=seconds)

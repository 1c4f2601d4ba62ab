"""The sandbox as the upstream, in-process, and the cast holding the demo tokens of their role."""

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


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Any]:
    """A fresh seeded sandbox answering every Agiler call of the test, faults injectable."""
    app = create_app(seed=1, faults_enabled=True)
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


def first_workspace(sandbox: Any, name: str = "Acme Marketing") -> str:
    """The id of the seeded workspace called ``name``."""
    for ws_id, ws in sandbox.state.workspaces.items():
        if ws["name"] == name:
            return str(ws_id)
    raise LookupError(name)

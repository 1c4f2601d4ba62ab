"""The cast: one portal user per role plus an outsider, and helpers every test uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from portal.accounts.models import User
from portal.accounts.roles import Role

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

    from agiler_sandbox import Sandbox
    from portal.agiler import AgilerClient

from tests.helpers import PASSWORD


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


#: the sandbox token each role's demo user holds (as ``manage.py seed_demo`` stores them)
ROLE_TOKENS = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Scopes, catalogs and counts are cached: every test starts from its own upstream; and the
    process-wide retry budget starts from a quiet window."""
    from portal.agiler._budget import PROCESS_BUDGET
    from portal.audit import naming
    from portal.lib import process_memo

    cache.clear()
    process_memo.forget_all()  # what processes keep in front of the cache goes with it
    naming.forget_written()  # what it wrote is gone with the cache
    PROCESS_BUDGET.reset()
    yield
    cache.clear()


#: where the in-process sandbox answers (no network: the transport calls it directly)
SANDBOX_URL = "http://sandbox.test/v1"


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Extra ``create_app`` arguments; an area's conftest overrides this to tune its sandbox."""
    return {}


@pytest.fixture
def sandbox(settings: Settings, sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    """A fresh seeded Agiler sandbox, in-process, answering every Agiler call of the test.

    Faults are injectable (``sandbox.faults.add(FaultRule(...))``); retries are off so a test
    sees each injected answer once.
    """
    import httpx

    from agiler_sandbox import create_app
    from portal.agiler import close_all

    app = create_app(seed=1, **{"faults_enabled": True, **sandbox_options})
    settings.AGILER_API_URL = SANDBOX_URL
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_MAX_RETRIES = 0
    yield app
    close_all()


@pytest.fixture
def direct(sandbox: Sandbox) -> AgilerClient:
    """A client straight to the sandbox as the account owner (no portal, no audit), to set
    things up and to check what Agiler holds."""
    import httpx

    from portal.agiler import AgilerClient

    return AgilerClient(
        base_url=SANDBOX_URL,
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


@pytest.fixture
def project(sandbox: Sandbox) -> Any:
    """The first seeded project (see ``a_project`` in tests/helpers.py for what it holds)."""
    from tests.helpers import a_project

    return a_project(sandbox)


@pytest.fixture
def give_token(sandbox: Sandbox) -> Callable[[User, str], None]:
    """Store ``token`` for ``user`` the way the token page does (validated against the sandbox)."""
    from portal.tokens.store import token_save

    def give(user: User, token: str) -> None:
        token_save(user=user, token=token)

    return give


@pytest.fixture
def tokened_cast(cast: dict[str, User], give_token: Callable[[User, str], None]) -> dict[str, User]:
    """The cast, each holding the sandbox token of their role's demo user."""
    for role, user in cast.items():
        give_token(user, ROLE_TOKENS[role])
    return cast


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests live in tests/e2e/: CI's suite runs deselect them and `make e2e` runs that
    folder, so an e2e test anywhere else would silently never run."""
    stray = [
        item.nodeid
        for item in items
        if item.get_closest_marker("e2e") and not item.nodeid.startswith("tests/e2e/")
    ]
    if stray:
        raise pytest.UsageError(f"browser tests must live in tests/e2e/: {stray}")

"""Rules tests: the seeded sandbox in-process (faults on), the cast with their role's token, a
direct client to check what Agiler holds, and the catalog the builder reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache

from agiler_sandbox import create_app
from agiler_sandbox.catalog import catalog as sandbox_catalog
from portal.accounts.models import User
from portal.agiler import AgilerClient, close_all
from portal.rules.catalog import Catalog

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
    app = create_app(seed=1, faults_enabled=True)
    settings.AGILER_API_URL = BASE_URL
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_MAX_RETRIES = 0
    cache.clear()
    yield app
    close_all()


@pytest.fixture
def tokened_cast(cast: dict[str, User], sandbox: Any) -> dict[str, User]:
    """The cast, each with the demo token of their role."""
    from portal.tokens.store import token_save

    for role, user in cast.items():
        token_save(user=user, token=ROLE_TOKENS[role])
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


@pytest.fixture
def project_id(direct: AgilerClient) -> str:
    """The first project the owner sees (seeded with three rules from the templates)."""
    workspace = direct.list_workspaces().items[0]
    return direct.list_projects(workspace_id=workspace.id).items[0].id


def the_catalog() -> Catalog:
    """The sandbox's catalog as the builder parses it."""
    return Catalog.from_json(sandbox_catalog())


CatalogFactory = Callable[[], Catalog]

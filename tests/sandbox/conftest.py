"""One real HTTP sandbox per module, and clients holding each demo token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from agiler_sandbox import Sandbox, create_app
from agiler_sandbox.server import RunningServer, start_in_thread

TOKENS = {
    "owner": "ak_sandbox_owner",
    "readonly": "ak_sandbox_readonly",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}


@pytest.fixture(scope="module")
def app() -> Sandbox:
    """A sandbox with fast async phases and the fault control endpoints mounted."""
    return create_app(
        seed=7,
        faults_enabled=True,
        backup_seconds=0.4,
        restore_seconds=0.4,
        sql_seconds=0.3,
        max_upload_bytes=64 * 1024,
        tokens={"ak_test_backups_only": ["projects.backups:read"]},
    )


@pytest.fixture(scope="module")
def server(app: Sandbox) -> Iterator[RunningServer]:
    srv = start_in_thread(app, host="127.0.0.1", port=0)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client_for(server: RunningServer) -> Iterator[Callable[[str], httpx.Client]]:
    """Factory of clients by token name (``owner``, ``support`` …) or raw token (``raw:…``)."""
    clients: list[httpx.Client] = []

    def make(who: str) -> httpx.Client:
        token = who[4:] if who.startswith("raw:") else TOKENS[who]
        client = httpx.Client(
            base_url=server.base_url, timeout=10, headers={"Authorization": f"Bearer {token}"}
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="module")
def owner(client_for: Callable[[str], httpx.Client]) -> httpx.Client:
    return client_for("owner")


@pytest.fixture(scope="module")
def project(owner: httpx.Client) -> dict[str, Any]:
    """The first demo project (read-only use; tests that mutate create their own)."""
    return owner.get("/projects").json()[0]


@pytest.fixture
def fresh_project(owner: httpx.Client) -> Iterator[dict[str, Any]]:
    """A project created for one test and deleted afterwards."""
    import uuid

    name = f"t-{uuid.uuid4().hex[:10]}"
    created = owner.post(
        "/projects", json={"name": name, "region": "eu-central-1", "runtime": "php-8.3"}
    )
    assert created.status_code == 201, created.text
    yield created.json()
    owner.delete(f"/projects/{created.json()['id']}")


def assert_error(
    response: httpx.Response, status: int, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """Assert an ErrorResponse with the given status (and code/field when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    if field is not None:
        assert error.get("field") == field
    return error


def follow_all(client: httpx.Client, url: str, **params: Any) -> tuple[list[Any], int]:
    """Follow Link rel=next to the end; returns all items and the number of pages."""
    items: list[Any] = []
    pages = 0
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        items.extend(response.json())
        pages += 1
        link = response.headers.get("link")
        if not link:
            return items, pages
        assert link.endswith('; rel="next"') and link.startswith("<http")
        response = client.get(link[1 : link.index(">")])

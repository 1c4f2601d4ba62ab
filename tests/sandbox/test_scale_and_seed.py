"""Determinism of the seed, lazy generation and the large scale."""

from __future__ import annotations

import time

import httpx

from agiler_sandbox import create_app


def _client(app) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )


def _snapshot(client: httpx.Client) -> list:
    projects = client.get("/projects", params={"limit": 200}).json()
    pid = projects[3]["id"]
    return [
        projects,
        client.get("/workspaces").json(),
        client.get(f"/projects/{pid}/backups").json(),
        client.get(f"/projects/{pid}/variables").json(),
        client.get("/users/me/billing/transactions").json(),
    ]


def test_same_seed_gives_identical_data() -> None:
    assert _snapshot(_client(create_app(seed=3))) == _snapshot(_client(create_app(seed=3)))


def test_different_seeds_differ() -> None:
    assert _snapshot(_client(create_app(seed=3))) != _snapshot(_client(create_app(seed=4)))


def test_project_data_does_not_depend_on_access_order() -> None:
    a, b = _client(create_app(seed=5)), _client(create_app(seed=5))
    ids = [p["id"] for p in a.get("/projects").json()]
    b.get(f"/projects/{ids[1]}/logs")
    assert a.get(f"/projects/{ids[2]}/logs").json() == b.get(f"/projects/{ids[2]}/logs").json()


def test_large_scale_generates_fast_and_lazily() -> None:
    started = time.monotonic()
    app = create_app(scale="large")
    client = _client(app)
    assert time.monotonic() - started < 5
    assert len(app.state.projects) == 10_000
    pages = client.get("/projects", params={"limit": 200})
    assert len(pages.json()) == 200 and "link" in pages.headers
    months = client.get("/users/me/billing/transactions", params={"limit": 200}).json()
    assert len(months) == 200
    pid = pages.json()[0]["id"]
    assert not app.state.has_data(pid)
    logs = client.get(f"/projects/{pid}/logs", params={"limit": 200, "q": "fatal"})
    assert logs.status_code == 200
    assert len(app.state.data(app.state.projects[pid]).logs) == 100_000
    assert time.monotonic() - started < 15

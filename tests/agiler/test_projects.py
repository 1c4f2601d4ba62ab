"""Projects against the sandbox: the request each call sends and the typed result."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portal.agiler import (
    AgilerClient,
    BadRequest,
    NotFound,
    Page,
    PermissionDenied,
    ProjectDetail,
    ProjectSummary,
    Unauthorized,
)
from tests.helpers import RecordingTransport, sent_json


def test_list_projects_returns_a_typed_page_with_the_next_cursor(
    client: AgilerClient, wire: RecordingTransport
) -> None:
    page = client.list_projects(limit=2)
    assert isinstance(page, Page) and len(page) == 2
    assert all(isinstance(p, ProjectSummary) for p in page)
    assert page.next_cursor
    request = wire.last
    assert (request.method, request.url.path, dict(request.url.params)) == (
        "GET",
        "/v1/projects",
        {"limit": "2"},
    )
    assert request.headers["Authorization"] == "Bearer ak_sandbox_owner"
    assert request.headers["User-Agent"].startswith("agiler-team-portal/")
    assert "Idempotency-Key" not in request.headers

    following = client.list_projects(limit=2, cursor=page.next_cursor)
    assert {p.id for p in following}.isdisjoint({p.id for p in page})
    assert wire.last.url.params["cursor"] == page.next_cursor


def test_list_projects_filters_by_workspace(client: AgilerClient, wire: RecordingTransport) -> None:
    workspace = client.list_workspaces().items[0].id
    projects = list(client.paginate(client.list_projects, workspace_id=workspace))
    assert projects and all(p.workspace_id == workspace for p in projects)
    assert wire.last.url.params["workspace_id"] == workspace


def test_paginate_walks_every_page_lazily(client: AgilerClient, wire: RecordingTransport) -> None:
    everything = client.list_projects(limit=200).items
    before = len(wire.requests)
    iterator = client.paginate(client.list_projects, limit=5)
    first = next(iterator)
    assert len(wire.requests) == before + 1  # only the first page fetched so far
    rest = list(iterator)
    assert [first.id, *(p.id for p in rest)] == [p.id for p in everything]
    assert len(wire.requests) == before + -(-len(everything) // 5)


def test_create_get_update_delete_a_project(client: AgilerClient, wire: RecordingTransport) -> None:
    workspace = client.list_workspaces().items[0].id
    created = client.create_project(
        name="docs-site",
        region="eu-central-1",
        runtime="php-8.3",
        workspace_id=workspace,
        idempotency_key="create-docs",
    )
    assert isinstance(created, ProjectDetail) and created.name == "docs-site"
    assert (wire.last.method, wire.last.url.path) == ("POST", "/v1/projects")
    assert sent_json(wire.last) == {
        "name": "docs-site",
        "region": "eu-central-1",
        "runtime": "php-8.3",
        "workspace_id": workspace,
    }
    assert wire.last.headers["Idempotency-Key"] == "create-docs"

    assert client.get_project(created.id) == created

    updated = client.update_project(created.id, active=False)
    assert sent_json(wire.last) == {"active": False}  # exactly the field passed
    assert wire.last.method == "PATCH" and updated.active is False

    client.delete_project(created.id)
    assert (wire.last.method, wire.last.url.path) == ("DELETE", f"/v1/projects/{created.id}")
    assert wire.last.headers["Idempotency-Key"]
    with pytest.raises(NotFound) as caught:
        client.get_project(created.id)
    assert caught.value.resource == "project"


def test_an_empty_name_is_refused_with_the_field(client: AgilerClient, project_id: str) -> None:
    with pytest.raises(BadRequest) as caught:
        client.update_project(project_id, name="")
    assert caught.value.field == "name"


def test_a_read_only_token_cannot_write(
    make_client: Callable[..., AgilerClient], project_id: str
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        make_client("ak_sandbox_readonly").delete_project(project_id)
    assert caught.value.status == 403


def test_an_unknown_token_is_unauthorized(make_client: Callable[..., AgilerClient]) -> None:
    with pytest.raises(Unauthorized):
        make_client("ak_not_a_token").list_projects()

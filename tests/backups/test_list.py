"""The backups list: policy summary, newest first, sizes, pagination, empty state, roles, errors."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from agiler_sandbox import FaultRule
from tests.backups.conftest import a_project
from tests.conftest import HTMX, client_for

ROW_ID = re.compile(r'<tr id="backup-([0-9a-f-]{36})"')


def _url(project: Any) -> str:
    return reverse("backups:list", args=[project.id])


def test_list_shows_policy_and_backups_newest_first_with_human_sizes(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    policy = direct.get_backup_policy(project.id)
    response = client_for(tokened_cast["operator"]).get(_url(project))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    summary = body.split('data-testid="policy-summary"')[1].split("</p>")[0]
    assert f"{policy.retention_days} day" in summary
    assert body.count('data-testid="backup-row"') == 25
    newest = direct.list_backups(project.id, limit=2).items
    assert body.index(newest[0].id) < body.index(newest[1].id)
    assert "MiB" in body  # sizes in human units, never raw byte counts
    assert "Automatic" in body and "On demand" in body


def test_htmx_request_renders_only_the_table(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["operator"]).get(_url(a_project(sandbox)), **HTMX)
    html = body.content.decode()
    assert 'id="backups-table"' in html and "<html" not in html
    assert 'id="take-backup"' not in html


def test_cursor_pagination_walks_to_older_backups_and_back(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    first = client.get(_url(a_project(sandbox))).content.decode()
    next_url = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    next_url = next_url.replace("&amp;", "&")
    assert "cursor=" in next_url
    second = client.get(next_url, **HTMX).content.decode()
    assert 'hx-push-url="true"' in second and "page 2" in second
    ids_first = set(ROW_ID.findall(first))
    ids_second = set(ROW_ID.findall(second))
    assert ids_first and ids_second and ids_first.isdisjoint(ids_second)
    assert 'data-testid="prev-page"' in second


def test_a_project_without_backups_shows_the_empty_state(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    workspace = next(iter(sandbox.state.workspaces))
    fresh = direct.create_project(
        name="brand-new-site",
        region=sandbox.state.regions[0]["id"],
        runtime="php-8.3",
        workspace_id=workspace,
    )
    body = client_for(tokened_cast["operator"]).get(_url(fresh)).content.decode()
    assert 'data-testid="backups-empty"' in body and "No backups yet" in body


def test_support_sees_the_list_without_download_restore_or_delete(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["support"]).get(_url(a_project(sandbox))).content.decode()
    assert 'data-testid="backup-row"' in body
    for control in ("download-database", "restore-backup", "delete-backup", "edit-policy"):
        assert f'data-testid="{control}"' not in body
    # Support may take a backup, but its read-only token cannot: the button says why.
    assert 'data-testid="take-backup"' in body
    assert "projects.backups:write" in body.split('data-testid="scope-reason"')[1]


def test_operator_sees_every_control(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["operator"]).get(_url(a_project(sandbox))).content.decode()
    for control in ("download-database", "download-storage", "restore-backup", "delete-backup"):
        assert f'data-testid="{control}"' in body
    assert 'data-testid="scope-reason"' not in body


def test_finance_has_no_access(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["finance"]).get(_url(a_project(sandbox)))
    assert response.status_code == 403


def test_unknown_project_is_a_404_page(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(reverse("backups:list", args=["nope"]))
    assert response.status_code == 404
    assert "Not found on Agiler" in response.content.decode()


def test_upstream_403_429_and_500_are_explained(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    url = _url(a_project(sandbox))
    cases = [(403, "not allowed"), (429, "Agiler is busy"), (500, "Agiler had a problem")]
    for status, words in cases:
        sandbox.faults.add(
            FaultRule(operation="list_backups", status=status, retry_after=3, times=1)
        )
        response = client.get(url)
        assert response.status_code == {403: 403, 429: 429, 500: 502}[status]
        assert words in response.content.decode()
    # htmx: a fragment the page turns into a toast, never a whole page
    sandbox.faults.add(FaultRule(operation="list_backups", status=503, times=1))
    fragment = client.get(url, **HTMX)
    assert fragment.status_code >= 500 and "<html" not in fragment.content.decode()
    assert "data-error-message" in fragment.content.decode()


def test_every_in_progress_status_polls_and_offers_no_actions(operator) -> None:  # type: ignore[no-untyped-def]
    """The service's one status set decides: "queued" and "in_progress" rows behave like
    "pending" and "running" (poll every 2 s, no delete or download until finished)."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = operator
    for status, polls in [
        ("queued", True),
        ("in_progress", True),
        ("pending", True),
        ("running", True),
        ("done", False),
    ]:
        backup = SimpleNamespace(
            id="b1",
            status=status,
            created_at=datetime(2026, 12, 5, 3, tzinfo=UTC),
            automatic=True,
            runtime="php-8.3",
            database_size=1,
            storage_size=1,
            size=2,
        )
        html = render_to_string(
            "backups/_row.html", {"backup": backup, "project_id": "p1"}, request=request
        )
        assert ('hx-trigger="every 2s"' in html) is polls, status
        assert ('data-testid="delete-backup"' in html) is not polls, status

"""The logs page as support uses it: search a window, narrow to a request, tail, export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.helpers import HTMX, client_for

if TYPE_CHECKING:
    from agiler_sandbox import Sandbox
    from portal.accounts.models import User
    from tests.helpers import HtmxHeaders


def _project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()


def _logs(sandbox: Sandbox, project: Any) -> list[dict[str, Any]]:
    return sandbox.inspect.logs(project)


def _url(project: Any, **query: str) -> str:
    base = reverse("logs:list", kwargs={"project": project.id})
    from urllib.parse import urlencode

    return f"{base}?{urlencode(query)}" if query else base


@pytest.fixture
def support(tokened_cast: dict[str, Any]) -> Any:
    return tokened_cast["support"]


def test_support_sees_the_last_24_hours_newest_first(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    response = client_for(support).get(_url(project, tz="UTC"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Last 24 hours" in body
    times = [row["timestamp"] for row in _logs(sandbox, project)]
    cutoff = (datetime.now(UTC) - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = [t for t in times if t >= cutoff]
    assert body.count('data-testid="log-entry"') == min(50, len(recent))
    shown = [line.split('"')[1] for line in body.split("data-time=")[1:]]
    assert shown == sorted(shown, reverse=True)


def test_a_search_is_recorded_in_the_audit_log_with_its_window(
    sandbox: Sandbox, support: User
) -> None:
    project = _project(sandbox)
    client_for(support).get(_url(project, window="7d", q="fatal", tz="UTC"))
    event = AuditEvent.objects.filter(action="logs.search").latest("id")
    summary = json.loads(event.summary_json)
    assert event.actor_username == support.username
    assert event.project_id == project.id
    assert event.target_label == project.name
    assert summary["window"] == "7d" and summary["q"] == "fatal" and "since" in summary


def test_matches_are_highlighted_and_escaped(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    sandbox.inspect.add_log(
        project,
        {
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "priority": "error",
            "message": "<script>boom</script> Fatal thing",
            "request_id": "req-1",
        },
    )
    body = client_for(support).get(_url(project, q="fatal", tz="UTC")).content.decode()
    assert "<mark>Fatal</mark> thing" in body
    assert "&lt;script&gt;boom&lt;/script&gt;" in body


def test_priority_filter_keeps_errors_only(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    body = client_for(support).get(_url(project, window="7d", priority="error")).content.decode()
    assert 'data-testid="log-entry"' in body
    assert "logs-azure" not in body and "logs-yellow" not in body  # no info, no warnings


def test_clicking_a_request_id_narrows_to_that_request(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    fatal = next(e for e in _logs(sandbox, project) if e["message"].startswith("PHP Fatal"))
    siblings = [e for e in _logs(sandbox, project) if e["request_id"] == fatal["request_id"]]
    assert len(siblings) == 2  # the fatal error and the 500 it caused
    body = client_for(support).get(_url(project, window="7d", q="Fatal")).content.decode()
    link = next(
        part.split('href="')[1].split('"')[0].replace("&amp;", "&")
        for part in body.split('data-key="')[1:]
        if fatal["request_id"] in part.split("</tr>")[0]
    )
    query = parse_qs(urlparse(link).query)
    assert query["request_id"] == [fatal["request_id"]]
    assert query["window"] == ["custom"]
    narrowed = client_for(support).get(link).content.decode()
    assert narrowed.count('data-testid="log-entry"') == 2


def test_older_entries_come_by_cursor_and_every_filter_stays_in_the_url(
    sandbox: Sandbox, support: User
) -> None:
    project = _project(sandbox)
    body = client_for(support).get(_url(project, window="7d", q="GET")).content.decode()
    older = body.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    older = older.replace("&amp;", "&")
    query = parse_qs(urlparse(older).query)
    assert query["window"] == ["7d"] and query["q"] == ["GET"] and query["cursor"]
    page_two = client_for(support).get(older, **HTMX)
    assert page_two.status_code == 200
    assert "<html" not in page_two.content.decode()
    assert 'data-testid="prev-page"' in page_two.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"window": "custom", "start": "2026-13-45T99:99"},
        {"window": "custom", "start": "99999-01-01T00:00"},
        {"window": "custom", "start": "2026-01-02T00:00", "end": "2026-01-01T00:00"},
        {"q": "x\x00y"},
        {"q": "x" * 5000},
        {"request_id": "'; drop table"},
        {"priority": "loud"},
        {"window": "forever"},
        {"tz": "Mars/Olympus", "window": "custom", "start": "2026-01-01T00:00"},
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 2000},
    ],
)
def test_bad_input_is_explained_never_a_500(
    sandbox: Sandbox, support: User, query: dict[str, str]
) -> None:
    project = _project(sandbox)
    plain_and_htmx: tuple[HtmxHeaders, ...] = ({}, HTMX)
    for extra in plain_and_htmx:
        response = client_for(support).get(_url(project, **query), **extra)
        # A message on the page (200), or the portal's "bad input" page (400) for what no view
        # could take (a NUL character): never a 500.
        assert response.status_code in (200, 400), query
        assert response.content, query


def test_a_custom_range_is_read_in_the_viewers_time_zone(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    client_for(support).get(
        _url(
            project,
            window="custom",
            start="2026-07-01T12:00",
            end="2026-07-01T13:00",
            tz="Europe/Berlin",
        )
    )
    summary = json.loads(AuditEvent.objects.filter(action="logs.search").latest("id").summary_json)
    assert summary["since"].startswith("2026-07-01T12:00:00+02:00")


def test_the_tail_returns_only_newer_entries(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    now = datetime.now(UTC)
    sandbox.inspect.add_log(
        project,
        {
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "priority": "info",
            "message": "GET /fresh 200",
            "request_id": "fresh-1",
        },
    )
    tail = reverse("logs:tail", kwargs={"project": project.id})
    after = (now - timedelta(seconds=5)).isoformat()
    body = client_for(support).get(tail, {"window": "1h", "after": after}, **HTMX).content.decode()
    assert body.count("<tr") == 1 and "GET /fresh 200" in body
    assert not AuditEvent.objects.filter(action="logs.search").exists()  # polls are not searches


def test_export_streams_json_lines_across_pages_and_is_audited(
    sandbox: Sandbox, support: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("portal.logs.search.SCAN_LIMIT", 100)  # several upstream pages
    project = _project(sandbox)
    url = reverse("logs:export", kwargs={"project": project.id, "fmt": "jsonl"})
    response = client_for(support).get(
        url, {"window": "custom", "start": "2020-01-01T00:00", "tz": "UTC"}
    )
    assert response.status_code == 200
    lines = response.getvalue().decode().splitlines()  # the joined stream
    assert len(lines) == len(_logs(sandbox, project)) == 300  # three 100-entry pages
    assert set(json.loads(lines[0])) == {"timestamp", "priority", "message", "request_id"}
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert AuditEvent.objects.filter(action="logs.export", project_id=project.id).exists()


def test_export_csv_has_readable_columns(sandbox: Sandbox, support: User) -> None:
    project = _project(sandbox)
    url = reverse("logs:export", kwargs={"project": project.id, "fmt": "csv"})
    response = client_for(support).get(url, {"window": "24h", "priority": "error", "tz": "UTC"})
    text = response.getvalue().decode("utf-8-sig")  # the joined stream
    assert text.splitlines()[0] == "Time (UTC),Time (UTC),Priority,Message,Request id"
    assert all(",error," in line for line in text.splitlines()[1:])


def test_the_sandbox_accepts_a_limit_of_1000_for_logs_only(sandbox: Sandbox, support: User) -> None:
    import httpx

    client = httpx.Client(
        transport=httpx.WSGITransport(app=sandbox),
        base_url="http://sandbox.test/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    project = _project(sandbox)
    assert client.get(f"/projects/{project.id}/logs", params={"limit": 1000}).status_code == 200
    assert client.get(f"/projects/{project.id}/logs", params={"limit": 1001}).status_code == 400
    assert client.get(f"/projects/{project.id}/rules", params={"limit": 201}).status_code == 400


def test_without_a_zone_in_the_url_the_browsers_remembered_zone_is_used(
    sandbox: Sandbox, support: User
) -> None:
    project = _project(sandbox)
    client = client_for(support)
    client.cookies["portal_tz"] = "Asia/Tokyo"
    body = client.get(_url(project)).content.decode()
    assert "Times in Asia/Tokyo." in body
    client.cookies["portal_tz"] = "Not/AZone"
    assert "Times in UTC." in client.get(_url(project)).content.decode()

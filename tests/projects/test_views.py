"""Project pages against the in-process sandbox: list, pagination, home, errors, roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from tests.helpers import HTMX, RewritingApp, client_for, first_workspace, project_rows

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_django.fixtures import Settings

    from agiler_sandbox import Sandbox
    from portal.accounts.models import User


def a_project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()


def test_project_list_shows_status_badges_and_workspace_names(
    tokened_cast: dict[str, User],
) -> None:
    response = client_for(tokened_cast["operator"]).get(reverse("projects:list"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert 'data-testid="project-row"' in body
    assert 'data-testid="status-badge"' in body
    assert "Acme Marketing" in body


def test_workspace_filter_asks_agiler_for_that_workspace_only(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    ws = first_workspace(sandbox, "Initech Labs")
    expected = sum(1 for p in sandbox.inspect.projects() if p.workspace_id == ws)
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:list"), {"workspace": ws}, **HTMX)
        .content.decode()
    )
    assert 'id="projects-table"' in body and "<html" not in body
    assert body.count('data-testid="project-row"') == min(expected, 25)
    assert "Globex Shop" not in body


@pytest.fixture
def large_sandbox(settings: Settings) -> Iterator[Sandbox]:
    import httpx

    from agiler_sandbox import create_app
    from portal.agiler import close_all

    app = create_app(seed=1, scale="large")
    settings.AGILER_API_URL = "http://sandbox.test/v1"
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_MAX_RETRIES = 0
    yield app
    close_all()


def test_ten_thousand_projects_page_by_page_without_loading_them_all(
    large_sandbox: Sandbox, operator: User
) -> None:
    from portal.tokens.store import token_save

    token_save(user=operator, token="ak_sandbox_owner")
    client = client_for(operator)
    first = client.get(reverse("projects:list")).content.decode()
    assert first.count('data-testid="project-row"') == 25
    assert 'data-testid="prev-page"' not in first
    next_url = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    next_url = next_url.replace("&amp;", "&")
    assert "cursor=" in next_url

    second = client.get(next_url).content.decode()
    assert second.count('data-testid="project-row"') == 25
    assert "Page 2" in second
    names_first = {line for line in first.splitlines() if "projects/" in line and "<a href" in line}
    names_second = {
        line for line in second.splitlines() if "projects/" in line and "<a href" in line
    }
    assert names_first.isdisjoint(names_second)

    prev_url = second.split('data-testid="prev-page"')[0].rsplit('href="', 1)[1].split('"')[0]
    back = client.get(prev_url.replace("&amp;", "&")).content.decode()
    assert "Page 1" in back
    assert "cursor" not in parse_qs(urlparse(prev_url.replace("&amp;", "&")).query)


def test_no_projects_is_an_empty_state(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    sandbox.inspect.clear_projects()
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list")).content.decode()
    assert "No projects" in body


def test_upstream_rate_limit_on_the_list_is_a_retry_later_page(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_projects", status=429, retry_after=20))
    response = client_for(tokened_cast["operator"]).get(reverse("projects:list"))
    assert response.status_code == 429
    assert response["Retry-After"] == "20"


def test_project_home_shows_details_and_areas(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    project = a_project(sandbox)
    response = client_for(tokened_cast["operator"]).get(
        reverse("projects:detail", args=[project.id])
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert project.name in body and project.region in body and project.runtime in body
    assert 'aria-label="Project areas"' in body
    assert "No changes to this project" in body


def test_project_home_as_htmx_is_its_fragment(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    project = a_project(sandbox)
    body = (
        client_for(tokened_cast["support"])
        .get(reverse("projects:detail", args=[project.id]), **HTMX)
        .content
    )
    assert b'id="project-detail"' in body and b"<html" not in body


def test_a_restoring_project_shows_the_restore_banner(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    project = a_project(sandbox)
    project.status = "restoring"
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:detail", args=[project.id]))
        .content
    )
    assert b'data-testid="restore-banner"' in body


def test_recent_portal_activity_on_the_project_is_listed(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    from portal.audit import record

    project = a_project(sandbox)
    record(action="projects.update", actor=tokened_cast["operator"], project_id=project.id)
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:detail", args=[project.id]))
        .content.decode()
    )
    # In words, not the action code: "<who> changed the project …".
    activity = body.split('data-testid="project-events"')[1].split("</section>")[0]
    assert "otto" in activity and "projects.update" not in activity
    assert "changed the settings of" in activity


def test_unknown_project_is_a_404(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    response = client_for(tokened_cast["operator"]).get(
        reverse("projects:detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404


def test_upstream_server_error_on_the_project_home_is_an_error_page(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="get_project", status=500))
    response = client_for(tokened_cast["operator"]).get(
        reverse("projects:detail", args=[a_project(sandbox).id])
    )
    assert response.status_code == 502
    assert "Agiler had a problem" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("operator", 200), ("support", 200), ("finance", 403)]
)
def test_role_matrix_for_project_pages(
    tokened_cast: dict[str, User], sandbox: Sandbox, role: str, status: int
) -> None:
    client = client_for(tokened_cast[role])
    assert client.get(reverse("projects:list")).status_code == status
    detail = reverse("projects:detail", args=[a_project(sandbox).id])
    assert client.get(detail).status_code == status


def test_the_rows_status_badge_is_the_shared_badges_markup(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    """The list puts its rows together in the view (projects.views._ROW); its badge must stay
    what projects/_status_badge.html draws everywhere else."""
    from django.template.loader import render_to_string

    body = client_for(tokened_cast["operator"]).get(reverse("projects:list")).content.decode()
    rows = project_rows(body)
    assert len(rows) == 25
    shown = {p.name: p for p in sandbox.inspect.projects()}
    for row in rows:
        name = row.split('">', 2)[1].split("</a>")[0]
        badge = render_to_string("projects/_status_badge.html", {"project": shown[name]}).strip()
        assert badge in row, name
    assert any("Inactive" in row for row in rows) and any("Inactive" not in row for row in rows)


def test_names_and_values_from_agiler_are_shown_as_text_never_as_markup(
    tokened_cast: dict[str, User], sandbox: Sandbox, settings: Settings, direct: Any
) -> None:
    hostile = "<b>Tom & \"Jerry\"</b> 'x'"
    made = direct.create_workspace(name=hostile)
    region = sandbox.inspect.regions()[0]["id"]
    direct.create_project(name="odd-site", region=region, runtime="php-8.3", workspace_id=made.id)

    def odd(items: list[dict[str, Any]]) -> None:
        for item in items:
            item.update(status="<img src=x onerror=alert(1)>", runtime='"><script>x</script>')

    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=RewritingApp(sandbox, "/v1/projects", odd))
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:list"), {"workspace": made.id})
        .content.decode()
    )
    row = project_rows(body)[0]
    assert "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; &#x27;x&#x27;" in row
    assert "&lt;img src=x onerror=alert(1)&gt;" in row
    assert "&quot;&gt;&lt;script&gt;x&lt;/script&gt;" in row
    assert "<b>" not in row and "<img" not in row and "<script" not in row


def test_odd_ids_names_and_regions_in_agilers_answer_stay_text_and_links_stay_links(
    tokened_cast: dict[str, User], sandbox: Sandbox, settings: Settings
) -> None:
    def odd(items: list[dict[str, Any]]) -> None:
        items[0].update(id="p\"'&<x>/y", name="<i>n</i>", region="<r>", workspace_id="w\"<&>'")

    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=RewritingApp(sandbox, "/v1/projects", odd))
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list")).content.decode()
    row = project_rows(body)[0]
    # The id is one quoted path segment, and the attribute cannot be broken out of.
    assert '<a href="/projects/p%22&#x27;&amp;%3Cx%3E%2Fy/">&lt;i&gt;n&lt;/i&gt;</a>' in row
    assert "<td>&lt;r&gt;</td>" in row
    # A workspace Agiler does not list: its id, as text.
    assert '<code class="small">w&quot;&lt;&amp;&gt;&#x27;</code>' in row
    assert "<i>" not in row and "<r>" not in row

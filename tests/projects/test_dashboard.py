"""The project home as the operator's first page: site, backups, traffic, errors, counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from agiler_sandbox import FaultRule
from tests.helpers import HTMX, client_for


def _project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()


def _home(sandbox: Any, user: Any, **extra: Any) -> str:
    project = _project(sandbox)
    response = client_for(user).get(reverse("projects:detail", args=[project.id]), **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_the_operator_sees_the_site_address_backups_traffic_errors_and_counts(  # type: ignore[no-untyped-def]
    sandbox, tokened_cast
) -> None:
    project = _project(sandbox)
    primary = next(d["name"] for d in sandbox.inspect.domains(project) if d["primary"])
    body = _home(sandbox, tokened_cast["operator"])
    assert f'data-testid="site-link">{primary}</a>' in body
    assert 'data-testid="last-backup"' in body and "None yet" not in body
    assert 'data-testid="next-backup"' in body
    assert 'data-testid="sparkline"' in body and "server errors (5xx" in body
    assert 'data-testid="error-entry"' in body
    assert 'data-testid="card-error"' not in body
    rules = body.split('data-testid="count-rules"')[1].split("</div>")[0]
    assert f"<strong>{len(sandbox.inspect.rules(project))}</strong>" in rules
    assert reverse("rules:list", kwargs={"project": project.id}) in rules


def test_an_error_entry_opens_the_logs_narrowed_to_its_request(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    body = _home(sandbox, tokened_cast["support"])
    href = body.split('data-testid="error-entry"')[0].rsplit('href="', 1)[1].split('"')[0]
    query = parse_qs(urlparse(href.replace("&amp;", "&")).query)
    assert query["window"] == ["custom"] and query["request_id"]
    logs = client_for(tokened_cast["support"]).get(href.replace("&amp;", "&"))
    assert logs.status_code == 200
    assert query["request_id"][0] in logs.content.decode()


def test_one_failing_card_says_so_and_the_others_still_show(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_logs", status=503, message="edge down"))
    body = _home(sandbox, tokened_cast["operator"])
    errors = body.split('data-testid="card-errors"')[1].split("</section>")[0]
    assert 'data-testid="card-error"' in errors
    assert 'data-testid="sparkline"' in body and 'data-testid="last-backup"' in body


def test_a_refused_usage_read_is_explained_in_that_card(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="get_usage", status=403, message="not yours"))
    body = _home(sandbox, tokened_cast["operator"])
    traffic = body.split('data-testid="card-traffic"')[1].split("</section>")[0]
    assert "projects.usage:read" in traffic and "not yours" in traffic


def test_areas_not_built_yet_are_named_without_a_broken_link(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    from django.urls import NoReverseMatch

    body = _home(sandbox, tokened_cast["operator"])
    variables = body.split('data-testid="count-variables"')[1].split("</div>")[0]
    try:
        url = reverse("variables:list", kwargs={"project": _project(sandbox).id})
    except NoReverseMatch:
        assert "<a " not in variables
    else:
        assert url in variables


def test_htmx_gets_the_dashboard_fragment(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    body = _home(sandbox, tokened_cast["operator"], **HTMX)
    assert "<html" not in body and 'data-testid="card-site"' in body

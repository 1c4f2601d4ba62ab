"""The backup policy: view, edit with validation, upstream field errors on the right field."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, a_project, client_for


def _url(project: Any) -> str:
    return reverse("backups:policy", args=[project.id])


def _post(client: Any, project: Any, frequency: Any, retention: Any, **extra: Any) -> Any:
    data = {"frequency_days": frequency, "retention_days": retention, "idempotency_key": "pk-1"}
    return client.post(_url(project), data, **extra)


def test_the_form_shows_the_current_policy(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    policy = sandbox.inspect.policy(project)
    body = client_for(tokened_cast["operator"]).get(_url(project)).content.decode()
    assert f'value="{policy["frequency_days"]}"' in body
    assert f'value="{policy["retention_days"]}"' in body
    assert 'name="idempotency_key"' in body


def test_htmx_get_renders_only_the_form(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["operator"]).get(_url(a_project(sandbox)), **HTMX)
    html = body.content.decode()
    assert 'id="policy-form"' in html and "<html" not in html


def test_saving_changes_the_policy_on_agiler_and_is_audited(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    response = _post(client_for(tokened_cast["operator"]), project, 2, 30, **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == reverse("backups:list", args=[project.id])
    assert sandbox.inspect.policy(project) == {"frequency_days": 2, "retention_days": 30}
    event = AuditEvent.objects.filter(action="backups.update_policy").order_by("-id").first()
    assert event is not None and event.outcome == "success"
    assert event.summary["retention_days"] == 30


def test_zero_frequency_turns_automatic_backups_off(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    response = _post(client_for(tokened_cast["admin"]), project, 0, 7)
    assert response.status_code == 302
    assert sandbox.inspect.policy(project)["frequency_days"] == 0
    body = client_for(tokened_cast["admin"]).get(response.headers["Location"]).content.decode()
    assert "Automatic backups are off" in body


@pytest.mark.parametrize(
    ("frequency", "retention", "field", "words"),
    [
        (7, 3, "retention_days", "at least as long as the frequency"),
        (-1, 7, "frequency_days", "greater than or equal to 0"),
        (1, 0, "retention_days", "greater than or equal to 1"),
        (31, 60, "frequency_days", "less than or equal to 30"),
        (1, 366, "retention_days", "less than or equal to 365"),
        ("x", 7, "frequency_days", "whole number"),
    ],
)
def test_invalid_values_are_refused_on_their_field_without_asking_agiler(
    tokened_cast, sandbox, frequency, retention, field, words
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    before = dict(sandbox.inspect.policy(project))
    response = _post(client_for(tokened_cast["operator"]), project, frequency, retention)
    assert response.status_code == 400
    body = response.content.decode()
    after_field = body.split(f'name="{field}"')[1].split('class="mb-3"')[0]
    assert words in after_field
    assert sandbox.inspect.policy(project) == before
    assert not AuditEvent.objects.filter(action="backups.update_policy").exists()


def test_upstream_field_error_lands_on_that_field(tokened_cast, sandbox, settings) -> None:  # type: ignore[no-untyped-def]
    """An Agiler whose plan caps retention refuses with field=retention_days."""

    def upstream(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "PATCH" and environ["PATH_INFO"].endswith("/policy"):
            body = json.dumps(
                {
                    "error": {
                        "code": "invalid_argument",
                        "field": "retention_days",
                        "message": "retention_days exceeds your plan's limit of 90",
                    }
                }
            ).encode()
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [body]
        return sandbox(environ, start_response)

    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=upstream)
    project = a_project(sandbox)
    response = _post(client_for(tokened_cast["operator"]), project, 1, 200, **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx: the form comes back to be fixed
    body = response.content.decode()
    retention = body.split('name="retention_days"')[1]
    assert "exceeds your plan" in retention
    assert "exceeds your plan" not in body.split('name="retention_days"')[0]
    # Refused, so the corrected form goes out under a new key.
    assert 'value="pk-1"' not in body
    event = AuditEvent.objects.filter(action="backups.update_policy").order_by("-id").first()
    assert event is not None and event.outcome == "failure" and event.status == 400


def test_upstream_403_409_429_500_are_pages_and_change_nothing(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    before = dict(sandbox.inspect.policy(project))
    client = client_for(tokened_cast["operator"])
    for status, ours in [(403, 403), (409, 409), (429, 429), (500, 502)]:
        sandbox.faults.add(FaultRule(operation="update_backup_policy", status=status, times=1))
        response = _post(client, project, 3, 9)
        assert response.status_code == ours
        event = AuditEvent.objects.filter(action="backups.update_policy").order_by("-id").first()
        assert event is not None and event.status == status
        assert event.outcome == (
            "unknown" if status >= 500 else "failure"
        )  # a 5xx may follow an applied write
    assert sandbox.inspect.policy(project) == before


def test_support_may_not_edit_the_policy(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = _post(client_for(tokened_cast["support"]), a_project(sandbox), 1, 7)
    assert response.status_code == 403

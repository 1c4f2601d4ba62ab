"""Bulk edit from a .env paste: preview, per-line idempotent apply, half-failures explained."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for
from tests.variables.conftest import variables_of

PASTE = """# staging settings
export WP_ENV=staging
SMTP_HOST=smtp.mailgun.org
api_token="tok-secret-1234"
NEW_FLAG=on
WP_ENV=staging
broken line
"""


def _url(project: Any) -> str:
    return reverse("variables:paste", args=[project.id])


def _preview(client: Any, project: Any, paste: str = PASTE) -> str:
    response = client.post(_url(project), {"step": "preview", "paste": paste}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()  # type: ignore[no-any-return]


def _apply_data(preview: str, **extra: Any) -> dict[str, Any]:
    def hidden(name: str) -> str:
        return preview.split(f'name="{name}" value="')[1].split('"')[0]

    data: dict[str, Any] = {
        "step": "apply",
        "idempotency_key": hidden("idempotency_key"),
        "sealed_paste": hidden("sealed_paste"),
        "sensitive": [
            part.split('"')[0]
            for part in preview.split('name="sensitive" value="')[1:]
            if " checked" in part.split(">")[0]
        ],
        "replace": [p.split('"')[0] for p in preview.split('name="replace" value="')[1:]],
    }
    data.update(extra)
    return data


def _writes() -> int:
    return AuditEvent.objects.filter(action__startswith="variables.", outcome="success").count()


def test_the_preview_classifies_each_line_and_masks_secrets(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    before = {k: dict(v) for k, v in variables_of(sandbox, project).items()}
    body = _preview(client_for(tokened_cast["operator"]), project)
    kinds = {
        part.split('"')[0]: part.split('data-kind="')[1].split('"')[0]
        for part in body.split('data-testid="preview-row" data-name="')[1:]
    }
    assert kinds == {
        "WP_ENV": "change",
        "SMTP_HOST": "unchanged",
        "API_TOKEN": "add",
        "NEW_FLAG": "add",
    }
    assert "tok-secret-1234" not in body and "••••" in body  # API_TOKEN proposed sensitive
    assert "set again on line 6" in body and "Not a NAME=value line." in body
    assert variables_of(sandbox, project) == before  # nothing changed yet
    assert "<html" not in body and 'id="paste-flow"' in body


def test_applying_sends_one_call_per_changed_line_and_reapplying_changes_nothing(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    client = client_for(tokened_cast["operator"])
    result = client.post(_url(project), _apply_data(_preview(client, project)), **HTMX)
    body = result.content.decode()
    assert "Applied: API_TOKEN, NEW_FLAG, WP_ENV." in body  # paste order; WP_ENV is line 6
    held = variables_of(sandbox, project)
    assert held["WP_ENV"]["value"] == "staging"
    assert held["API_TOKEN"] == {**held["API_TOKEN"], "value": "tok-secret-1234", "sensitive": True}
    assert held["NEW_FLAG"]["sensitive"] is False
    assert _writes() == 3

    # The same paste again: API_TOKEN is sensitive now, so it cannot be compared; untick it
    # and nothing at all is sent.
    again = _preview(client, project)
    assert 'data-name="WP_ENV" data-kind="unchanged"' in again
    assert 'data-name="API_TOKEN" data-kind="replace"' in again
    second = client.post(_url(project), _apply_data(again, replace=[]), **HTMX).content.decode()
    assert "Nothing changed: every line already matched." in second
    assert _writes() == 3
    # A double submit of the first apply form is replayed by Agiler, not applied twice.


def test_a_double_submitted_apply_is_one_write_per_line(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = _apply_data(_preview(client, project, "ONLY_NEW=1\n"))
    client.post(_url(project), data, **HTMX)
    client.post(_url(project), data, **HTMX)
    assert [v for v in variables_of(sandbox, project) if v == "ONLY_NEW"] == ["ONLY_NEW"]


def test_the_sensitive_choice_per_line_is_honoured(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = _apply_data(_preview(client, project), sensitive=["NEW_FLAG"])
    client.post(_url(project), data, **HTMX)
    held = variables_of(sandbox, project)
    assert held["NEW_FLAG"]["sensitive"] is True and held["API_TOKEN"]["sensitive"] is False


def test_a_refused_line_does_not_stop_the_others_and_is_named(
    tokened_cast, sandbox, project
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = _apply_data(_preview(client, project, "WP_ENV=qa\nNEW_ONE=x\nWP_DEBUG=true\n"))
    sandbox.faults.add(FaultRule(operation="create_variable", status=400, times=1))
    body = client.post(_url(project), data, **HTMX).content.decode()
    assert "Applied: WP_ENV, WP_DEBUG." in body and "Not applied: NEW_ONE." in body
    held = variables_of(sandbox, project)
    assert held["WP_ENV"]["value"] == "qa" and held["WP_DEBUG"]["value"] == "true"
    assert "NEW_ONE" not in held


def test_an_outage_half_way_says_exactly_which_lines_landed(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    paste = "WP_ENV=qa\nNEW_ONE=x\nWP_DEBUG=true\n"
    data = _apply_data(_preview(client, project, paste))
    sandbox.faults.add(FaultRule(operation="create_variable", status=503, times=1))
    body = client.post(_url(project), data, **HTMX).content.decode()
    assert "Applied: WP_ENV." in body and "Not applied: NEW_ONE, WP_DEBUG." in body
    assert 'data-name="NEW_ONE" data-outcome="unknown"' in body
    assert 'data-name="WP_DEBUG" data-outcome="not_sent"' in body
    # Applying the same paste again finishes the job and leaves WP_ENV alone.
    retry = client.post(_url(project), _apply_data(_preview(client, project, paste)), **HTMX)
    assert "Applied: NEW_ONE, WP_DEBUG." in retry.content.decode()


def test_a_tampered_or_foreign_preview_applies_nothing(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    data = _apply_data(_preview(client_for(tokened_cast["operator"]), project))
    before = {k: dict(v) for k, v in variables_of(sandbox, project).items()}
    other = client_for(tokened_cast["admin"]).post(_url(project), data)
    assert other.status_code == 400 and "expired or was altered" in other.content.decode()
    data["sealed_paste"] = data["sealed_paste"][:-4] + "AAAA"
    tampered = client_for(tokened_cast["operator"]).post(_url(project), data)
    assert tampered.status_code == 400
    assert variables_of(sandbox, project) == before


def test_a_bad_paste_is_explained_and_not_echoed(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    response = client.post(_url(project), {"step": "preview", "paste": "SECRET=hunter2\x00"})
    body = response.content.decode()
    assert response.status_code == 400 and "hunter2" not in body and "Null characters" in body
    empty = client.post(_url(project), {"step": "preview", "paste": ""})
    assert empty.status_code == 400 and "required" in empty.content.decode()


def test_support_may_not_paste(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["support"])
    assert client.post(_url(project), {"step": "preview", "paste": "A=1"}).status_code == 403

"""Variables pages: values for roles that may read them, write-only sensitive values, gating."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for
from tests.variables.conftest import variables_of


def _list(project: Any) -> str:
    return reverse("variables:list", args=[project.id])


def test_operators_see_plain_values_but_never_sensitive_ones(
    tokened_cast, sandbox, project
) -> None:  # type: ignore[no-untyped-def]
    held = variables_of(sandbox, project)
    body = client_for(tokened_cast["operator"]).get(_list(project)).content.decode()
    assert "smtp.mailgun.org" in body and "SMTP_PASSWORD" in body
    assert held["SMTP_PASSWORD"]["value"] not in body
    assert held["STRIPE_SECRET_KEY"]["value"] not in body
    assert body.count('data-testid="sensitive-badge"') == 2


@pytest.mark.parametrize("htmx", [False, True])
def test_support_sees_names_and_badges_but_no_value_at_all(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project, htmx: bool
) -> None:
    for var in variables_of(sandbox, project).values():
        var["value"] = f"value-of-{var['name'].lower()}-7f3a"
    body = (
        client_for(tokened_cast["support"])
        .get(_list(project), **(HTMX if htmx else {}))
        .content.decode()
    )
    assert "WP_ENV" in body and "SMTP_HOST" in body and 'data-testid="sensitive-badge"' in body
    for var in variables_of(sandbox, project).values():
        assert var["value"] not in body, var["name"]
    assert 'data-testid="variable-value"' not in body and "edit-variable" not in body
    assert "your role does not see values" in body


def test_finance_may_not_open_variables(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    assert client_for(tokened_cast["finance"]).get(_list(project)).status_code == 403


def test_adding_upper_cases_the_name_and_audits_no_value(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("variables:add", args=[project.id]),
        {"idempotency_key": "add-1", "name": "cache_ttl", "value": "line one\nline two"},
        **HTMX,
    )
    assert response.headers["HX-Redirect"] == _list(project)
    assert variables_of(sandbox, project)["CACHE_TTL"]["value"] == "line one\nline two"
    event = AuditEvent.objects.get(action="variables.create", outcome="success")
    assert event.target_label == "CACHE_TTL"
    assert event.summary["sensitive"] is False
    assert "line one" not in event.summary_json and event.summary["value"] == "[redacted]"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("1ABC", "x", "does not start with a digit"),
        ("DB-HOST", "x", "letters A–Z"),
        ("DB_НOST", "x", "letters A–Z"),  # Cyrillic Н
        ("A" * 300, "x", "at most"),
        ("OK", "a\x00b", "Null characters"),
        ("OK", "x" * 40_000, "at most"),
        ("", "x", "required"),
    ],
)
def test_bad_input_gets_a_message_never_a_500(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project, name: str, value: str, message: str
) -> None:
    before = len(variables_of(sandbox, project))
    response = client_for(tokened_cast["operator"]).post(
        reverse("variables:add", args=[project.id]),
        {"idempotency_key": "k", "name": name, "value": value},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert len(variables_of(sandbox, project)) == before


def test_agilers_409_for_an_existing_name_lands_on_the_field(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    body = (
        client_for(tokened_cast["operator"])
        .post(
            reverse("variables:add", args=[project.id]),
            {"idempotency_key": "k1", "name": "wp_env", "value": "x"},
            **HTMX,
        )
        .content.decode()
    )
    assert "variable WP_ENV already exists" in body and "invalid-feedback" in body


def test_a_refused_sensitive_value_is_kept_sealed_not_sent_back(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, project
) -> None:
    client = client_for(tokened_cast["operator"])
    url = reverse("variables:add", args=[project.id])
    secret = "canary-kept-0001"
    first = client.post(
        url, {"idempotency_key": "k1", "name": "9BAD", "value": secret, "sensitive": "on"}
    )
    body = first.content.decode()
    assert first.status_code == 400 and secret not in body and 'data-testid="value-kept"' in body
    sealed = body.split('name="sealed_value" value="')[1].split('"')[0]
    # The corrected submission, value field left empty, sets the value typed the first time.
    client.post(
        url,
        {
            "idempotency_key": "k2",
            "name": "GOOD",
            "value": "",
            "sensitive": "on",
            "sealed_value": sealed,
        },
    )
    assert variables_of(sandbox, project)["GOOD"] == {
        **variables_of(sandbox, project)["GOOD"],
        "value": secret,
        "sensitive": True,
    }
    # Someone else cannot open it.
    other = client_for(tokened_cast["admin"]).post(
        url,
        {"idempotency_key": "k3", "name": "STOLEN", "value": "", "sealed_value": sealed},
    )
    assert other.status_code == 400 and "STOLEN" not in variables_of(sandbox, project)


def test_editing_a_sensitive_variable_never_shows_its_value(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    var = variables_of(sandbox, project)["SMTP_PASSWORD"]
    url = reverse("variables:edit", args=[project.id, var["id"]])
    client = client_for(tokened_cast["operator"])
    body = client.get(url).content.decode()
    assert var["value"] not in body and "Replace the value" in body
    assert 'data-testid="write-only-note"' in body
    # Saving without "replace" keeps the value (none is sent).
    old = var["value"]
    client.post(url, {"idempotency_key": "e1", "name": "SMTP_PASSWORD", "sensitive": "on"})
    assert var["value"] == old
    client.post(
        url,
        {
            "idempotency_key": "e2",
            "name": "SMTP_PASSWORD",
            "sensitive": "on",
            "replace_value": "on",
            "value": "n3w-pass",
        },
    )
    assert var["value"] == "n3w-pass" and var["sensitive"] is True


def test_turning_sensitive_off_needs_a_new_value(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    var = variables_of(sandbox, project)["STRIPE_SECRET_KEY"]
    url = reverse("variables:edit", args=[project.id, var["id"]])
    client = client_for(tokened_cast["operator"])
    refused = client.post(url, {"idempotency_key": "e1", "name": "STRIPE_SECRET_KEY"})
    assert refused.status_code == 400 and "needs a new value" in refused.content.decode()
    assert var["sensitive"] is True
    client.post(url, {"idempotency_key": "e2", "name": "STRIPE_SECRET_KEY", "value": "sk_test_x"})
    assert var["sensitive"] is False and var["value"] == "sk_test_x"


def test_editing_a_plain_variable_shows_and_renames_it(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    var = variables_of(sandbox, project)["WP_DEBUG"]
    url = reverse("variables:edit", args=[project.id, var["id"]])
    client = client_for(tokened_cast["operator"])
    assert "false</textarea>" in client.get(url, **HTMX).content.decode()
    client.post(url, {"idempotency_key": "e1", "name": "wp_debug_log", "value": "true"})
    assert var["name"] == "WP_DEBUG_LOG" and var["value"] == "true"
    event = AuditEvent.objects.get(action="variables.update", outcome="success")
    assert event.summary["previous_name"] == "WP_DEBUG"


def test_removing_asks_first_and_audits_the_name(tokened_cast, sandbox, project) -> None:  # type: ignore[no-untyped-def]
    var = variables_of(sandbox, project)["SMTP_HOST"]
    url = reverse("variables:remove", args=[project.id, var["id"]])
    client = client_for(tokened_cast["operator"])
    dialog = client.get(url, **HTMX).content.decode()
    assert "SMTP_HOST on" in dialog and "deleted from the project" in dialog
    assert "<html" not in dialog and 'aria-modal="true"' in dialog
    response = client.post(url, {"idempotency_key": "rm-1"}, **HTMX)
    assert response.headers["HX-Redirect"] == _list(project)
    assert "SMTP_HOST" not in variables_of(sandbox, project)
    assert (
        AuditEvent.objects.get(action="variables.delete", outcome="success").target_label
        == "SMTP_HOST"
    )


def test_a_readonly_token_shows_disabled_controls_naming_the_scope(  # type: ignore[no-untyped-def]
    cast, give_token, sandbox, project
) -> None:
    give_token(cast["admin"], "ak_sandbox_readonly")
    client = client_for(cast["admin"])
    body = client.get(_list(project)).content.decode()
    assert "projects.variables:write" in body and 'aria-disabled="true"' in body
    var = variables_of(sandbox, project)["WP_ENV"]
    dialog = client.get(reverse("variables:remove", args=[project.id, var["id"]])).content.decode()
    assert "projects.variables:write" in dialog and 'data-testid="confirm-submit"' not in dialog


@pytest.mark.parametrize("bad", ["..", "nope", "%00"])
def test_unknown_variable_ids_are_a_404(tokened_cast, project, bad: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    for name in ("variables:edit", "variables:remove"):
        assert client.get(reverse(name, args=[project.id, bad])).status_code == 404

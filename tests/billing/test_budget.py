"""The budget and charges form: saves through Agiler (204), audited with before and after,
idempotent per rendered form; field errors from the form and from Agiler land on the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.billing.conftest import owner_billing
from tests.conftest import HTMX, client_for

URL = "/billing/budget/"


def _form(client: Any) -> dict[str, str]:
    """The rendered form's values, as a browser would submit them."""
    body = client.get(URL).content.decode()
    values = dict(re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', body))
    values.pop("csrfmiddlewaretoken", None)
    if re.search(r'name="budget_stop"[^>]* checked', body):
        values["budget_stop"] = "on"
    return values


def test_form_shows_the_current_settings_in_dollars_with_a_budget_stop_warning(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    values = _form(client_for(fin))
    assert values["monthly_budget"] == "250.00"
    assert values["budget_alerts"] == "50, 80, 100"
    assert values["charge_threshold"] == "10.00" and values["charge_amount"] == "50.00"
    assert len(values["idempotency_key"]) == 36
    assert 'data-testid="budget-stop-warning"' in body and "stops" in body


def test_saving_changes_updates_agiler_redirects_and_audits_before_and_after(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values.update(budget_alerts="90, 25, 60", monthly_budget="1234.56", budget_stop="on")
    response = client.post(URL, values)
    assert response.status_code == 302 and response["Location"] == reverse("billing:overview")
    billing = owner_billing(sandbox)
    assert billing["budget_alerts"] == [25, 60, 90]
    assert billing["monthly_budget"] == 123_456 and billing["budget_stop"] is True
    intent, outcome = AuditEvent.objects.filter(action="billing.update").order_by("id")
    assert (intent.outcome, outcome.outcome, outcome.status) == ("intent", "success", 204)
    assert outcome.idempotency_key == values["idempotency_key"]
    summary = outcome.summary
    assert summary["monthly_budget"] == 123_456 and summary["budget_alerts"] == [25, 60, 90]
    assert summary["before"] == {
        "monthly_budget": 25_000,
        "budget_alerts": [50, 80, 100],
        "budget_stop": False,
    }
    assert "charge_amount" not in summary  # unchanged fields are not sent
    # The overview bar then shows the new alerts.
    overview = client.get(reverse("billing:overview")).content.decode()
    assert 'data-alerts="25,60,90"' in overview and "$1,234.56" in overview
    assert "Budget and charge settings saved." in overview


def test_unchanged_form_sends_nothing(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    response = client.post(URL, _form(client))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="billing.update").exists()


def test_a_double_submit_changes_the_settings_once(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values["charge_amount"] = "75.00"
    assert client.post(URL, values).status_code == 302
    # The same rendered form again: the values are already there, nothing is sent twice.
    assert client.post(URL, values).status_code == 302
    assert owner_billing(sandbox)["charge_amount"] == 7_500
    assert AuditEvent.objects.filter(action="billing.update", outcome="intent").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget_alerts", "50, 50", "repeated: 50"),
        ("budget_alerts", "150", "outside 1–100"),
        ("charge_amount", "1.00", "greater than or equal to 5.00"),
        ("charge_threshold", "-5", "greater than or equal to 0"),
    ],
)
def test_form_errors_are_shown_on_the_field_and_agiler_is_not_asked(
    fin, sandbox, field, value, message
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values[field] = value
    response = client.post(URL, values)
    assert response.status_code == 400
    body = response.content.decode()
    error = re.search(rf'data-testid="error-{field}">([^<]+)<', body)
    assert error is not None and message in error.group(1)
    assert not AuditEvent.objects.filter(action="billing.update").exists()


def test_agilers_field_error_lands_on_the_field_with_a_fresh_key(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values["monthly_budget"] = "2000000.00"  # above what Agiler accepts
    response = client.post(URL, values)
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'data-testid="error-monthly_budget">[^<]*monthly_budget', body)
    new_key = re.search(r'name="idempotency_key" value="([^"]+)"', body)
    assert new_key is not None and new_key.group(1) != values["idempotency_key"]
    outcome = AuditEvent.objects.filter(action="billing.update").order_by("id").last()
    assert outcome is not None and (outcome.outcome, outcome.status) == ("failure", 400)


def test_htmx_post_with_errors_swaps_the_form_and_success_redirects_the_client(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values["budget_alerts"] = "0"
    response = client.post(URL, values, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="budget-form"' in body and "<html" not in body and "outside 1–100" in body
    values["budget_alerts"] = "75"
    response = client.post(URL, values, **HTMX)
    assert response["HX-Redirect"] == reverse("billing:overview")


def test_a_token_without_billing_write_gets_a_403_and_the_refusal_is_audited(
    tokened_cast, give_token
) -> None:  # type: ignore[no-untyped-def]
    finance = tokened_cast["finance"]
    give_token(finance, "ak_sandbox_readonly")
    client = client_for(finance)
    body = client.get(URL).content.decode()
    assert "lacks the scope billing:write" in body  # the save button is disabled and says why
    values = _form(client)
    values["charge_amount"] = "60.00"
    response = client.post(URL, values)
    assert response.status_code == 403
    assert "Your Agiler token is not allowed to do this" in response.content.decode()
    outcome = AuditEvent.objects.filter(action="billing.update").order_by("id").last()
    assert outcome is not None and (outcome.outcome, outcome.status) == ("failure", 403)


@pytest.mark.parametrize(("status", "page"), [(429, 429), (500, 502)])
def test_upstream_errors_on_save_are_pages_and_audited_as_failures(
    fin, sandbox, status, page
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values["charge_amount"] = "80.00"
    sandbox.faults.add(FaultRule(operation="update_billing", status=status))
    response = client.post(URL, values)
    assert response.status_code == page
    outcome = AuditEvent.objects.filter(action="billing.update").order_by("id").last()
    assert outcome is not None and outcome.outcome in ("failure", "unknown")
    assert owner_billing(sandbox)["charge_amount"] == 5_000


def test_after_an_htmx_validation_error_save_is_still_enabled(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    values = _form(client)
    values["monthly_budget"] = "abc"
    body = client.post(URL, values, **HTMX).content.decode()
    button = re.search(r'<button[^>]*data-testid="save-budget"[^>]*>', body)
    assert button is not None and "disabled" not in button.group(0)
    assert 'id="budget-gate"' not in body


def test_the_budget_stop_warning_keeps_its_emphasis_without_safe_in_the_template(  # type: ignore[no-untyped-def]
    fin, sandbox
) -> None:
    body = client_for(fin).get(URL).content.decode()
    assert "<strong>Warning:</strong> when this month" in body

"""Overview, payment methods and statements against the in-process sandbox: success, upstream
errors, htmx fragments, statement PDFs and their audit events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, NO_BILLING_TOKEN, client_for, owner_billing, owner_months

THIS_MONTH = f"{datetime.now(UTC):%Y-%m}"


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- overview ------------------------------------------------------------------------------------


def test_overview_shows_balance_spend_budget_bar_charges_card_address_and_statements(  # type: ignore[no-untyped-def]
    fin, sandbox
) -> None:
    months = owner_months(sandbox)
    current = months[0]
    spent = -sum(tx["amount"] for tx in current["tx"] if tx["amount"] < 0)
    response = client_for(fin).get(reverse("billing:overview"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    balance = current["balance"]
    assert f"{'-' if balance < 0 else ''}${abs(balance) // 100:,}.{abs(balance) % 100:02d}" in body
    assert f"${spent // 100:,}.{spent % 100:02d} spent of $250.00" in body
    assert 'data-alerts="50,80,100"' in body
    assert body.count('data-testid="budget-marker"') == 3
    assert (
        "Charge <strong>$50.00</strong> when the balance falls below <strong>$10.00</strong>"
        in body
    )
    assert "Visa</strong> •••• 4242" in body
    assert "12 Analytical Engine Row" in body and "EC1A 1BB" in body
    for month in months[:3]:  # the latest statements
        period = f"{month['year']}-{month['month']:02d}"
        assert reverse("billing:statement_download", args=[period]) in body
    assert 'data-testid="card-warning"' not in body  # the card runs for years


def test_overview_warns_when_the_card_expires_within_sixty_days(fin, sandbox) -> None:  # type: ignore[no-untyped-def]

    soon = timezone.now().date() + timedelta(days=20)
    sandbox.inspect.set_billing(exp_month=soon.month, exp_year=soon.year)
    body = client_for(fin).get(reverse("billing:overview")).content.decode()
    assert 'data-testid="card-warning"' in body and "Expires in" in body


def test_overview_asks_for_review_when_agiler_forces_an_update(fin, sandbox) -> None:  # type: ignore[no-untyped-def]

    sandbox.inspect.set_billing(force_update="2026-01-01T00:00:00Z")
    body = client_for(fin).get(reverse("billing:overview")).content.decode()
    assert 'data-testid="force-update"' in body


def test_overview_without_transactions_says_so(fin, sandbox) -> None:  # type: ignore[no-untyped-def]

    sandbox.inspect.clear_months()
    body = client_for(fin).get(reverse("billing:overview")).content.decode()
    assert "No transactions yet." in body and "No statements yet" in body
    assert "$0.00 spent of $250.00 (0%)" in body


def test_overview_as_htmx_is_its_fragment(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(fin).get(reverse("billing:overview"), **HTMX).content.decode()
    assert 'id="billing-overview"' in body and "<html" not in body


def test_edit_button_follows_the_role_matrix(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    for role in ("admin", "finance"):
        body = client_for(tokened_cast[role]).get(reverse("billing:overview")).content.decode()
        assert 'data-testid="edit-budget"' in body


@pytest.mark.parametrize(
    ("fault", "status", "text"),
    [
        (FaultRule(operation="get_billing", status=500), 502, "Agiler had a problem"),
        (FaultRule(operation="get_billing", status=503), 502, "Agiler had a problem"),
        (
            FaultRule(operation="list_transactions", status=429, retry_after=30),
            429,
            "Try again in 30 s",
        ),
    ],
)
def test_upstream_failures_on_the_overview_are_pages_not_crashes(  # type: ignore[no-untyped-def]
    fin, sandbox, fault, status, text
) -> None:
    sandbox.faults.add(fault)
    response = client_for(fin).get(reverse("billing:overview"))
    assert response.status_code == status
    assert text in response.content.decode()


def test_a_token_without_billing_read_gets_a_clear_403(tokened_cast, give_token) -> None:  # type: ignore[no-untyped-def]
    admin = tokened_cast["admin"]
    give_token(admin, NO_BILLING_TOKEN)
    for name in (
        "billing:overview",
        "billing:transactions",
        "billing:statements",
        "billing:payment_methods",
    ):
        response = client_for(admin).get(reverse(name))
        assert response.status_code == 403, name
        assert "Your Agiler token is not allowed to do this" in response.content.decode()


def test_without_a_token_the_page_asks_for_one(cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(cast["finance"]).get(reverse("billing:overview"))
    assert response.status_code == 403
    assert "Add your Agiler token" in response.content.decode()


# --- payment methods -----------------------------------------------------------------------------


def test_payment_methods_show_cards_with_the_default_first_and_expiry_warnings(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:payment_methods"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="payment-method"') == 2
    assert body.count('data-testid="default-badge"') == 1
    assert body.index("Visa •••• 4242") < body.index("Mastercard •••• 5454")
    assert "Ada Lovelace" in body and "EC1A 1BB" in body
    # The seeded mastercard expires within 20 days.
    assert body.count('data-testid="card-warning"') == 1


def test_no_payment_method_is_an_empty_state(fin, sandbox) -> None:  # type: ignore[no-untyped-def]

    sandbox.inspect.clear_payment_methods()
    body = client_for(fin).get(reverse("billing:payment_methods")).content.decode()
    assert "No payment method on file" in body


def test_payment_methods_as_htmx_is_its_fragment(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(fin).get(reverse("billing:payment_methods"), **HTMX).content.decode()
    assert 'id="payment-methods"' in body and "<html" not in body


def test_payment_methods_upstream_429_is_a_retry_page(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_payment_methods", status=429, retry_after=20))
    response = client_for(fin).get(reverse("billing:payment_methods"))
    assert response.status_code == 429 and response["Retry-After"] == "20"


# --- statements ----------------------------------------------------------------------------------


def test_statements_list_one_row_per_month_newest_first_with_older_pages(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    months = owner_months(sandbox)
    client = client_for(fin)
    body = client.get(reverse("billing:statements")).content.decode()
    assert body.count('data-testid="statement-row"') == 12
    first = f"{months[0]['year']}-{months[0]['month']:02d}"
    assert f'data-period="{first}"' in body
    assert f"/billing/statements/{first}.pdf?download=1" in body
    assert 'data-testid="older-statements"' in body
    older = body.split('data-testid="older-statements"')[0].rsplit('href="', 1)[1].split('"')[0]
    older_body = client.get(older.replace("&amp;", "&"), **HTMX).content.decode()
    assert older_body.count('data-testid="statement-row"') == len(months) - 12
    assert 'id="statements-table"' in older_body and "<html" not in older_body


def test_statement_pdf_is_relayed_inline_with_our_filename_and_audited(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:statement_download", args=[THIS_MONTH]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="agiler-statement-{THIS_MONTH}.pdf"'
    )
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]
    assert int(response["Content-Length"]) == len(data)
    event = AuditEvent.objects.get(action="billing.download_statement")
    assert (event.outcome, event.target_id, event.actor_id) == ("success", THIS_MONTH, fin.pk)


def test_download_query_makes_it_an_attachment(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    url = reverse("billing:statement_download", args=[THIS_MONTH]) + "?download=1"
    response = client_for(fin).get(url)
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "latest", "2026-10-01", "0000-00"])
def test_a_malformed_period_is_a_400_page_without_asking_agiler(fin, sandbox, period) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:statement_download", args=[period]))
    assert response.status_code == 400
    assert "Not a statement period" in response.content.decode()
    assert not AuditEvent.objects.filter(action="billing.download_statement").exists()


def test_a_future_period_is_a_404_page(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    future = datetime.now(UTC) + timedelta(days=40)
    response = client_for(fin).get(reverse("billing:statement_download", args=[f"{future:%Y-%m}"]))
    assert response.status_code == 404
    assert "No statement for a future month" in response.content.decode()


def test_a_month_without_a_statement_is_agilers_404_and_the_failure_is_audited(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:statement_download", args=["2001-01"]))
    assert response.status_code == 404
    assert "Not found on Agiler" in response.content.decode()
    event = AuditEvent.objects.get(action="billing.download_statement")
    assert (event.outcome, event.status) == ("failure", 404)


@pytest.mark.parametrize(("status", "page"), [(500, 502), (429, 429)])
def test_statement_upstream_errors_are_pages_and_audited(fin, sandbox, status, page) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="download_statement", status=status))
    response = client_for(fin).get(reverse("billing:statement_download", args=[THIS_MONTH]))
    assert response.status_code == page
    assert AuditEvent.objects.get(action="billing.download_statement").outcome == "failure"


def test_statements_missing_scope_is_403(tokened_cast, give_token) -> None:  # type: ignore[no-untyped-def]
    admin = tokened_cast["admin"]
    give_token(admin, NO_BILLING_TOKEN)
    response = client_for(admin).get(reverse("billing:statement_download", args=[THIS_MONTH]))
    assert response.status_code == 403


def test_the_sandbox_billing_profile_is_what_the_pages_show(sandbox) -> None:  # type: ignore[no-untyped-def]
    # Guards the fixtures the assertions above rely on.
    billing = owner_billing(sandbox)
    assert (billing["monthly_budget"], billing["charge_amount"], billing["last4"]) == (
        25_000,
        5_000,
        "4242",
    )


@pytest.mark.parametrize(
    "page",
    ["billing:overview", "billing:statements", "billing:transactions", "billing:budget"],
)
def test_money_reads_in_the_same_font_in_cards_and_tables(fin, page: str) -> None:  # type: ignore[no-untyped-def]
    # Amounts carry the shared ``money`` class (body font, tabular figures), never a code font.
    body = _body(client_for(fin).get(reverse(page)))
    assert "font-monospace" not in body
    assert 'money"' in body or "money " in body

"""The transactions page and its CSV: filters, the month-without-year rule, pagination, htmx,
chart and the audited, streamed export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from portal.billing.forms import MONTH_NEEDS_YEAR
from tests.billing.conftest import owner_months
from tests.conftest import HTMX, client_for

URL = "/billing/transactions/"


def _months_of_year(sandbox: Any, year: int) -> list[dict[str, Any]]:
    return [m for m in owner_months(sandbox) if m["year"] == year]


def _a_full_year(sandbox: Any) -> int:
    """A year in the seeded data with at least two months."""
    years = [m["year"] for m in owner_months(sandbox)]
    return max(set(years), key=years.count)


def test_unfiltered_page_shows_the_newest_months_with_entries_totals_and_balances(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    months = owner_months(sandbox)
    response = client_for(fin).get(reverse("billing:transactions"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    periods = re.findall(r'data-testid="month-section" data-period="([\d-]+)"', body)
    assert periods == [f"{m['year']}-{m['month']:02d}" for m in months[:6]]
    assert body.count('data-testid="tx-row"') == sum(len(m["tx"]) for m in months[:6])
    assert 'data-testid="older-months"' in body
    assert 'data-testid="monthly-chart"' in body and 'data-testid="chart-table"' in body
    assert "Credits" in body and "Debits" in body and "Closing balance" in body


def test_credits_and_debits_are_told_apart_and_credit_expiry_is_shown(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(fin).get(URL).content.decode()
    assert 'bg-green-lt">Credit' in body and 'bg-red-lt">Debit' in body
    assert re.search(r'text-success" data-testid="tx-amount">\+\$', body)
    assert re.search(r'text-danger" data-testid="tx-amount">-\$', body)
    expiring = [tx for m in owner_months(sandbox)[:6] for tx in m["tx"] if tx.get("expires_at")]
    for tx in expiring:
        assert tx["expires_at"][:10] in body


def test_filter_by_year_shows_only_that_year(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    year = _a_full_year(sandbox)
    body = client_for(fin).get(URL, {"year": year}).content.decode()
    periods = re.findall(r'data-period="(\d{4})-\d\d"', body)
    assert periods and set(periods) == {str(year)}
    assert f"Showing {year}" in body


def test_filter_by_year_and_month_shows_that_month_only(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    month = owner_months(sandbox)[2]
    body = client_for(fin).get(URL, {"year": month["year"], "month": month["month"]}).content
    text = body.decode()
    assert text.count('data-testid="month-section"') == 1
    assert text.count('data-testid="tx-row"') == len(month["tx"])
    assert 'data-testid="older-months"' not in text


def test_month_without_year_is_refused_with_a_clear_message_and_agiler_is_not_asked(
    fin, sandbox
) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_transactions", status=500))
    response = client_for(fin).get(URL, {"month": "3"})
    assert response.status_code == 400
    body = response.content.decode()
    assert MONTH_NEEDS_YEAR in body
    assert 'data-testid="filter-refused"' in body


def test_month_without_year_over_htmx_lands_as_a_swappable_refusal(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(URL, {"month": "3"}, **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx
    body = response.content.decode()
    assert 'id="transactions-results"' in body and "<html" not in body
    assert 'data-testid="filter-refused"' in body


def test_htmx_filter_is_the_results_fragment_and_links_carry_the_filter(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    year = _a_full_year(sandbox)
    response = client_for(fin).get(
        URL, {"year": year}, HTTP_HX_TRIGGER="transactions-filter", **HTMX
    )
    body = response.content.decode()
    assert 'id="transactions-results"' in body and "<html" not in body
    assert 'hx-swap-oob="true"' not in body  # the form sent it: no need to redraw the form
    assert f"/billing/transactions/export.csv?year={year}" in body
    for href, hx in re.findall(r'href="([^"]+)" hx-get="([^"]+)"', body):
        assert href == hx


def test_a_link_changing_the_filter_redraws_the_form_out_of_band(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    month = owner_months(sandbox)[1]
    body = client_for(fin).get(URL, {"year": month["year"], "month": month["month"]}, **HTMX)
    text = body.content.decode()
    assert 'id="transactions-filter"' in text and 'hx-swap-oob="true"' in text
    assert f'value="{month["year"]}"' in text


def test_older_months_follow_the_cursor_and_keep_the_filter(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    months = owner_months(sandbox)
    client = client_for(fin)
    body = client.get(URL).content.decode()
    older = re.search(r'href="([^"]+)"[^>]*data-testid="older-months"', body)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&"), **HTMX).content.decode()
    periods = re.findall(r'data-period="([\d-]+)"', second)
    assert periods == [f"{m['year']}-{m['month']:02d}" for m in months[6:12]]
    assert "← Newest months" in second


def test_a_year_without_transactions_is_an_empty_state(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(fin).get(URL, {"year": 2001}).content.decode()
    assert "No transactions in this period" in body
    assert 'data-testid="monthly-chart"' not in body


@pytest.mark.parametrize(("status", "page"), [(500, 502), (503, 502), (429, 429)])
def test_upstream_errors_are_pages(fin, sandbox, status, page) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_transactions", status=status))
    assert client_for(fin).get(URL).status_code == page


# --- CSV -----------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_csv_of_a_year_has_exactly_that_years_transactions_and_is_audited(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    year = _a_full_year(sandbox)
    expected = _months_of_year(sandbox, year)
    response = client_for(fin).get(reverse("billing:transactions_export"), {"year": year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="agiler-transactions-{year}.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:6] == ["period", "date", "description", "type", "amount", "amount_decimal"]
    assert len(rows) - 1 == sum(len(m["tx"]) for m in expected)
    assert {row[0][:4] for row in rows[1:]} == {str(year)}
    # The plain column adds up to the months' net movement, cent for cent.
    from decimal import Decimal

    total = sum(Decimal(row[5]) for row in rows[1:])
    assert total * 100 == sum(tx["amount"] for m in expected for tx in m["tx"])
    event = AuditEvent.objects.get(action="billing.transactions_export")
    assert event.actor_id == fin.pk and event.summary["year"] == year
    assert event.target_label == f"transactions {year}"


def test_csv_of_one_month_matches_the_month_on_the_page(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    month = owner_months(sandbox)[1]
    query = {"year": month["year"], "month": month["month"]}
    client = client_for(fin)
    page = client.get(URL, query).content.decode()
    shown = re.findall(r'data-testid="tx-amount">([^<]+)<', page)
    rows = _csv(client.get(reverse("billing:transactions_export"), query))
    assert [row[4] for row in rows[1:]] == shown
    assert [row[2] for row in rows[1:]] == re.findall(
        r'data-testid="tx-description">([^<]+)<', page
    )


def test_unfiltered_csv_walks_every_page(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    months = owner_months(sandbox)
    rows = _csv(client_for(fin).get(reverse("billing:transactions_export")))
    assert len(rows) - 1 == sum(len(m["tx"]) for m in months)


def test_csv_refuses_month_without_year(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:transactions_export"), {"month": "2"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="billing.transactions_export").exists()


def test_csv_upstream_error_is_a_page_not_a_broken_file(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_transactions", status=500))
    response = client_for(fin).get(reverse("billing:transactions_export"))
    assert response.status_code == 502
    assert not AuditEvent.objects.filter(action="billing.transactions_export").exists()

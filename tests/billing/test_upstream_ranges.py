"""Upstream values of the right type but out of range (month 13, year 10000) are error pages or
a missing expiry, never a 500: the decoder checks types, the ledger checks ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from portal.agiler import AgilerResponseError, BillingTransactionMonth
from portal.billing.ledger import card_expiry, month_view
from tests.conftest import client_for


def _month(year: int, month: int) -> BillingTransactionMonth:
    return BillingTransactionMonth(
        year=year, month=month, balance=0, created_at=datetime(2026, 1, 1, tzinfo=UTC), tx=[]
    )


@pytest.mark.parametrize(("year", "month"), [(2026, 0), (2026, 13), (2026, -1), (0, 5), (10000, 5)])
def test_a_month_that_is_no_calendar_month_is_agilers_bad_answer(year: int, month: int) -> None:
    with pytest.raises(AgilerResponseError, match="does not exist"):
        month_view(_month(year, month))


def test_every_real_month_has_a_label() -> None:
    assert [month_view(_month(2026, m)).label for m in (1, 12)] == ["January 2026", "December 2026"]


@pytest.mark.parametrize(("exp_month", "exp_year"), [(0, 2030), (13, 2030), (5, 0), (5, 10000)])
def test_a_card_expiry_outside_the_calendar_is_no_expiry(exp_month: int, exp_year: int) -> None:
    assert card_expiry(exp_month=exp_month, exp_year=exp_year, today=date(2026, 1, 1)) is None


def test_the_last_possible_expiry_still_works() -> None:
    last = card_expiry(exp_month=12, exp_year=9999, today=date(2026, 1, 1))
    assert last is not None and last.label == "12/9999" and not last.expired


def _owner(sandbox: Any) -> Any:
    from agiler_sandbox.scopes import OWNER

    return sandbox.state.user_data[OWNER]


@pytest.mark.parametrize(
    "url", ["billing:overview", "billing:transactions", "billing:statements", "core:home"]
)
def test_a_thirteenth_month_from_agiler_is_an_error_page_not_a_500(fin, sandbox, url) -> None:  # type: ignore[no-untyped-def]
    _owner(sandbox).months[0]["month"] = 13
    response = client_for(fin).get(reverse(url))
    assert response.status_code in (200, 502)  # the home page reports it on its card
    if url != "core:home":
        assert response.status_code == 502
        assert "does not understand" in response.content.decode()


def test_a_card_expiring_after_year_9999_leaves_the_overview_working(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    _owner(sandbox).billing.update(exp_month=1, exp_year=10000)
    response = client_for(fin).get(reverse("billing:overview"))
    assert response.status_code == 200
    assert 'data-testid="card-on-file"' in response.content.decode()


def test_a_payment_method_expiring_after_year_9999_is_shown_as_sent(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    _owner(sandbox).payment_methods[0]["card"].update(exp_month=1, exp_year=10000)
    response = client_for(fin).get(reverse("billing:payment_methods"))
    assert response.status_code == 200
    assert "1/10000" in response.content.decode()

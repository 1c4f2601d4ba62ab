"""Form rules: month needs a year; alerts are 1–100, unique, sorted; charge has a floor."""

from __future__ import annotations

import pytest
from django import forms

from portal.billing.forms import MONTH_NEEDS_YEAR, BudgetForm, TransactionFilterForm, parse_alerts


def test_month_without_year_is_refused_with_a_clear_message() -> None:
    form = TransactionFilterForm({"month": "3"})
    assert not form.is_valid()
    assert form.errors["month"] == [MONTH_NEEDS_YEAR]


def test_year_alone_and_year_with_month_are_accepted() -> None:
    assert TransactionFilterForm({"year": "2026"}).is_valid()
    form = TransactionFilterForm({"year": "2026", "month": "3"})
    assert form.is_valid()
    assert form.filters() == {"year": 2026, "month": 3}


@pytest.mark.parametrize(
    "query", [{"year": "26"}, {"year": "abc"}, {"year": "2026", "month": "13"}]
)
def test_nonsense_years_and_months_are_refused(query: dict[str, str]) -> None:
    assert not TransactionFilterForm(query).is_valid()


def test_alerts_are_parsed_sorted() -> None:
    assert parse_alerts("100, 50 80") == [50, 80, 100]
    assert parse_alerts("") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "outside 1–100"),
        ("101", "outside 1–100"),
        ("50, 50", "repeated: 50"),
        ("5x", "not a whole"),
    ],
)
def test_bad_alerts_are_refused_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(forms.ValidationError, match=message):
        parse_alerts(text)


def _budget(**overrides: str) -> dict[str, str]:
    data = {
        "monthly_budget": "250.00",
        "budget_alerts": "50, 80, 100",
        "charge_threshold": "10.00",
        "charge_amount": "50.00",
        "idempotency_key": "k-1",
    }
    data.update(overrides)
    return data


def test_budget_form_turns_major_units_into_cents() -> None:
    form = BudgetForm(_budget(budget_stop="on"))
    assert form.is_valid(), form.errors
    assert form.settings() == {
        "monthly_budget": 25_000,
        "budget_alerts": [50, 80, 100],
        "budget_stop": True,
        "charge_threshold": 1_000,
        "charge_amount": 5_000,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("monthly_budget", "-1"),
        ("charge_threshold", "-0.01"),
        ("charge_amount", "4.99"),
        ("monthly_budget", "1.234"),
    ],
)
def test_negative_amounts_sub_cent_amounts_and_tiny_charges_are_refused(
    field: str, value: str
) -> None:
    form = BudgetForm(_budget(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors

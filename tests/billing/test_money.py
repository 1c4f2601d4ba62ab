"""Money formatting: cents in, the same text on every page and in the CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.billing.money import (
    cents_from_decimal,
    decimal_from_cents,
    format_money,
    plain_decimal,
)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "$0.00"),
        (5, "$0.05"),
        (99, "$0.99"),
        (100, "$1.00"),
        (-1, "-$0.01"),
        (-123456, "-$1,234.56"),
        (123456789012, "$1,234,567,890.12"),
        (10**20 + 7, "$1,000,000,000,000,000,000.07"),
    ],
)
def test_amounts_have_two_decimals_thousands_separators_and_a_minus(cents: int, text: str) -> None:
    assert format_money(cents) == text


def test_signed_amounts_mark_credits_with_plus_but_never_zero() -> None:
    assert format_money(2500, signed=True) == "+$25.00"
    assert format_money(-2500, signed=True) == "-$25.00"
    assert format_money(0, signed=True) == "$0.00"


@pytest.mark.parametrize("junk", [None, "", "abc", 1.5, True, object()])
def test_what_is_not_an_amount_shows_as_a_dash(junk: object) -> None:
    assert format_money(junk) == "—"


def test_numeric_strings_are_amounts_too() -> None:
    assert format_money("-150") == "-$1.50"


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0.00"), (-1, "-0.01"), (-123456, "-1234.56"), (123456789012, "1234567890.12")],
)
def test_the_plain_decimal_column_parses_as_a_number(cents: int, text: str) -> None:
    assert plain_decimal(cents) == text
    assert Decimal(text) * 100 == cents


def test_form_values_round_trip_between_cents_and_major_units() -> None:
    assert decimal_from_cents(5000) == Decimal("50.00")
    assert str(decimal_from_cents(5)) == "0.05"
    assert cents_from_decimal(Decimal("1234.56")) == 123456
    assert cents_from_decimal(Decimal("0")) == 0


def test_template_filters_format_like_the_module() -> None:
    template = Template("{% load money %}{{ a|money }} {{ b|money_signed }} {{ c|money }}")
    rendered = template.render(Context({"a": -123456, "b": 2500, "c": None}))
    assert rendered == "-$1,234.56 +$25.00 —"

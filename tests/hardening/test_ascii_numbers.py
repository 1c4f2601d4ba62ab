"""Money and day fields read ASCII decimal digits only (issue 15, item 11): ``١٢٣`` is not $123,
``1e2`` is not $100 and ``٧`` is not seven days."""

from __future__ import annotations

import pytest

from portal.backups.forms import PolicyForm
from portal.billing.forms import BudgetForm, MoneyField
from portal.lib.inputs import ascii_int, valid_idempotency_key


@pytest.mark.parametrize(
    "text", ["١٢٣", "1e2", "1E2", "²", "1_0", "0x10", "Infinity", "NaN", "٣.٥"]
)
def test_a_money_field_refuses_anything_but_ascii_decimals(text: str) -> None:
    field = MoneyField(minimum=0)
    with pytest.raises(Exception, match="digits 0–9"):
        field.clean(text)


@pytest.mark.parametrize("text, cents", [("123", "123"), ("12.50", "12.50"), (".5", "0.5")])
def test_a_money_field_still_reads_plain_amounts(text: str, cents: str) -> None:
    assert str(MoneyField(minimum=0).clean(text)) == cents


@pytest.mark.parametrize("days", ["٧", "1e1", "²", "7.0"])
def test_backup_days_refuse_non_ascii_digits(days: str) -> None:
    form = PolicyForm(data={"frequency_days": days, "retention_days": "30", "idempotency_key": "k"})
    assert not form.is_valid() and "frequency_days" in form.errors


def test_backup_days_accept_ascii_digits() -> None:
    form = PolicyForm(data={"frequency_days": "7", "retention_days": "30", "idempotency_key": "k"})
    assert form.is_valid(), form.errors


def test_budget_alerts_refuse_non_ascii_digits() -> None:
    form = BudgetForm(data={"monthly_budget": "100", "budget_alerts": "٥٠"})
    assert not form.is_valid() and "budget_alerts" in form.errors


def test_ascii_int_and_idempotency_keys() -> None:
    assert ascii_int("42") == 42 and ascii_int("²") is None and ascii_int("٤٢") is None
    assert valid_idempotency_key("k" * 128) and valid_idempotency_key("k" * 129) is None
    assert valid_idempotency_key("a\x00b") is None and valid_idempotency_key("ключ") is None

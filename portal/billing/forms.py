"""Forms of the billing pages: the transactions filter and the budget and charges settings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.safestring import mark_safe

from portal.billing.money import cents_from_decimal, decimal_from_cents
from portal.lib.forms import new_idempotency_key
from portal.lib.inputs import AsciiDecimalField, AsciiIntegerField

#: Agiler refuses an automatic charge below this (cents); the sandbox enforces the same floor.
MIN_CHARGE_AMOUNT = 500
MAX_ALERTS = 10
MONTH_NEEDS_YEAR = (
    "Choose a year too: Agiler filters by month only within a year (month alone is refused)."
)


class TransactionFilterForm(forms.Form):
    """Year, or year and month, of the transactions list and its CSV export (GET)."""

    year = AsciiIntegerField(
        required=False,
        min_value=2000,
        max_value=2999,
        widget=forms.NumberInput(
            attrs={"class": "form-control", "placeholder": "e.g. 2026", "inputmode": "numeric"}
        ),
    )
    month = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "Any month"),
            *(
                (number, name)
                for number, name in enumerate(
                    [
                        "January",
                        "February",
                        "March",
                        "April",
                        "May",
                        "June",
                        "July",
                        "August",
                        "September",
                        "October",
                        "November",
                        "December",
                    ],
                    start=1,
                )
            ),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    cursor = forms.CharField(required=False, max_length=512, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("month") is not None and data.get("year") is None:
            self.add_error("month", MONTH_NEEDS_YEAR)
        return data

    def filters(self) -> dict[str, Any]:
        """``year``/``month`` for the client (None when absent); call after is_valid()."""
        return {"year": self.cleaned_data.get("year"), "month": self.cleaned_data.get("month")}


class MoneyField(AsciiDecimalField):
    """An amount in the account currency with cents, shown and entered in major units."""

    def __init__(self, *, minimum: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.NumberInput(
                attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal"}
            ),
        )
        super().__init__(
            min_value=decimal_from_cents(minimum),
            max_value=Decimal("100000000"),
            decimal_places=2,
            **kwargs,
        )


def parse_alerts(text: str) -> list[int]:
    """``"50, 80,100"`` → ``[50, 80, 100]``: integers 1–100, unique, returned sorted."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    values = []
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,3}", part):
            raise forms.ValidationError(f"“{part}” is not a whole percentage.")
        value = int(part)
        if not 1 <= value <= 100:
            raise forms.ValidationError(f"{value} % is outside 1–100.")
        values.append(value)
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise forms.ValidationError(
            "Each alert percentage may appear once; repeated: "
            + ", ".join(str(v) for v in duplicates)
            + "."
        )
    if len(values) > MAX_ALERTS:
        raise forms.ValidationError(f"At most {MAX_ALERTS} alert percentages.")
    return sorted(values)


class BudgetForm(forms.Form):
    """Monthly budget, its alerts and stop, and the automatic charge (amounts in major units)."""

    monthly_budget = MoneyField(
        label="Monthly budget",
        help_text="What the account may spend per calendar month. 0 means no budget.",
    )
    budget_alerts = forms.CharField(
        label="Budget alerts (% of the budget)",
        required=False,
        max_length=100,
        help_text="Whole percentages from 1 to 100, separated by commas, e.g. 50, 80, 100.",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    budget_stop = forms.BooleanField(
        label="Stop projects when the budget is reached",
        required=False,
        # The one help text with markup, a developer literal marked safe here so the templates
        # never need |safe (which would turn any future upstream-derived help text into XSS).
        help_text=mark_safe(  # noqa: S308 - a constant, no interpolation
            "<strong>Warning:</strong> when this month's spend reaches the budget, Agiler stops "
            "every project of the account (the sites go offline) until the next month or until "
            "the budget is raised."
        ),
    )
    charge_threshold = MoneyField(
        label="Charge when the balance falls below",
        help_text="The balance at which the card on file is charged automatically.",
    )
    charge_amount = MoneyField(
        label="Amount to charge",
        minimum=MIN_CHARGE_AMOUNT,
        help_text=f"Charged to the card each time; at least ${MIN_CHARGE_AMOUNT // 100}.00.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    #: form field → Agiler field it maps to (the same names, kept explicit for error mapping)
    AGILER_FIELDS = (
        "monthly_budget",
        "budget_alerts",
        "budget_stop",
        "charge_threshold",
        "charge_amount",
    )

    def clean_budget_alerts(self) -> list[int]:
        return parse_alerts(self.cleaned_data.get("budget_alerts") or "")

    def settings(self) -> dict[str, Any]:
        """The cleaned values as Agiler wants them (cents, a sorted list)."""
        data = self.cleaned_data
        return {
            "monthly_budget": cents_from_decimal(data["monthly_budget"]),
            "budget_alerts": data["budget_alerts"],
            "budget_stop": bool(data["budget_stop"]),
            "charge_threshold": cents_from_decimal(data["charge_threshold"]),
            "charge_amount": cents_from_decimal(data["charge_amount"]),
        }


def budget_initial(billing: Any) -> dict[str, Any]:
    """Initial values of the budget form from a BillingOutput, with a fresh idempotency key."""
    return {
        "monthly_budget": decimal_from_cents(billing.monthly_budget),
        "budget_alerts": ", ".join(str(v) for v in sorted(billing.budget_alerts)),
        "budget_stop": billing.budget_stop,
        "charge_threshold": decimal_from_cents(billing.charge_threshold),
        "charge_amount": decimal_from_cents(billing.charge_amount),
        "idempotency_key": new_idempotency_key(),
    }

"""Money in the account currency: Agiler's integers are minor units (cents).

One formatter for every page and the CSV, so an amount reads the same everywhere:
``-123456`` → ``-$1,234.56``; with ``signed=True`` credits get a ``+`` too. Integer arithmetic
only: a float would round a large balance wrongly. The minus is ASCII so a copied amount still
parses as a number in a spreadsheet.
"""

from __future__ import annotations

from decimal import Decimal

#: Agiler's statements are in US dollars and its CLI prints ``$%.2f`` (see agiler-facts.md).
CURRENCY_CODE = "USD"
CURRENCY_SYMBOL = "$"

__all__ = [
    "CURRENCY_CODE",
    "CURRENCY_SYMBOL",
    "cents_from_decimal",
    "decimal_from_cents",
    "format_money",
    "plain_decimal",
]


def _as_cents(value: object) -> int | None:
    if isinstance(value, bool):  # True is an int in Python, never an amount
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def format_money(value: object, *, signed: bool = False, symbol: str = CURRENCY_SYMBOL) -> str:
    """``-123456`` → ``-$1,234.56``; ``signed`` adds ``+`` to positive amounts; junk → ``—``."""
    cents = _as_cents(value)
    if cents is None:
        return "—"
    units, minor = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ("+" if signed and cents > 0 else "")
    return f"{sign}{symbol}{units:,}.{minor:02d}"


def plain_decimal(value: int) -> str:
    """``-123456`` → ``-1234.56``: the machine-readable column of the CSV."""
    units, minor = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{units}.{minor:02d}"


def decimal_from_cents(value: int) -> Decimal:
    """Cents as a Decimal in major units, for form initial values (``5000`` → ``50.00``)."""
    return Decimal(value).scaleb(-2).quantize(Decimal("0.01"))


def cents_from_decimal(value: Decimal) -> int:
    """A Decimal amount in major units as cents; the form has already limited it to 2 places."""
    return int((value * 100).to_integral_value())

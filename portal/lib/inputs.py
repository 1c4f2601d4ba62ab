"""Reading numbers and keys from user input strictly: ASCII only, never a 500.

Python reads far more than a person types as a number: ``int("١٢٣") == 123``, ``"²".isdigit()``
is true but ``int("²")`` fails, ``Decimal("1e2") == 100`` and ``int("1_0") == 10``. Every number
the portal reads from a form or an address goes through here (or the fields below) instead.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import BadRequest

ASCII_INT = re.compile(r"[0-9]{1,18}")
ASCII_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{0,15})?|-?\.[0-9]{1,15}")
#: Agiler accepts idempotency keys of up to 128 printable ASCII characters.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,128}")


class BadInput(BadRequest):
    """Bad input from the user, refused with a 400 page showing ``str(exception)``: raise it
    anywhere a value cannot be read (Django turns it into the 400 handler)."""


def ascii_int(text: Any) -> int | None:
    """``text`` as a non-negative whole number written in ASCII digits, else None."""
    text = str(text or "").strip()
    return int(text) if ASCII_INT.fullmatch(text) else None


def valid_idempotency_key(text: Any) -> str | None:
    """``text`` when it is a key Agiler accepts (≤ 128 printable ASCII characters), else None."""
    text = str(text or "")
    return text if IDEMPOTENCY_KEY.fullmatch(text) else None


class AsciiIntegerField(forms.IntegerField):
    """An IntegerField that accepts ASCII decimal digits only (no ``٧``, ``1e2``, ``1_0``)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not ASCII_INT.fullmatch(text.removeprefix("-")):
            raise forms.ValidationError(
                "Enter a whole number using the digits 0–9.", code="invalid"
            )
        return int(text)


class AsciiDecimalField(forms.DecimalField):
    """A DecimalField that accepts plain ASCII decimals only (no exponents, no other digits)."""

    # django-stubs declares DecimalField.to_python as IntegerField's (int); Django returns Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not ASCII_DECIMAL.fullmatch(text):
            raise forms.ValidationError(
                "Enter an amount using the digits 0–9 and an optional decimal point, "
                "such as 1250.00.",
                code="invalid",
            )
        return Decimal(text)

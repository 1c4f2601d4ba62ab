"""Forms of the rules pages. Every form that writes carries an idempotency key minted when the
form is rendered: a double click or a browser retry replays Agiler's first answer."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms


def new_idempotency_key() -> str:
    """A fresh key for a write form, minted at render time."""
    return str(uuid.uuid4())


class IdempotentForm(forms.Form):
    """A write form: only the key (plus whatever subclasses add)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    @classmethod
    def fresh(cls, **kwargs: Any) -> IdempotentForm:
        """An unbound form carrying a newly minted key."""
        initial = {"idempotency_key": new_idempotency_key(), **kwargs.pop("initial", {})}
        return cls(initial=initial, **kwargs)


class ToggleForm(IdempotentForm):
    """Turn a rule on or off (an unticked switch is not sent: off)."""

    active = forms.BooleanField(required=False)


class ReorderForm(IdempotentForm):
    """The full new order (``order`` repeated), or one rule moved ``up``/``down``."""

    move = forms.CharField(required=False)
    direction = forms.ChoiceField(
        choices=[("", ""), ("up", "up"), ("down", "down")], required=False
    )


class DeleteRuleForm(IdempotentForm):
    """Confirmation of a rule's deletion."""

"""Forms of the rules pages. Every form that writes carries an idempotency key minted when the
form is rendered: a double click or a browser retry replays Agiler's first answer."""

from __future__ import annotations

from django import forms

from portal.lib.forms import IdempotentForm as BaseIdempotentForm


class IdempotentForm(BaseIdempotentForm):
    """A rules write form: its key is capped at 80 characters (elsewhere at Agiler's 128; the
    portal mints 36-character keys, so neither cap is ever reached by its own forms)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)


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

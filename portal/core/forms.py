"""The idempotency key every write form carries (one definition for every area).

A key is minted when a write form is rendered and travels in a hidden field: a double click or a
browser retry re-sends the same key, so Agiler replays its first answer instead of applying the
write twice. Agiler accepts keys of up to 128 characters.
"""

from __future__ import annotations

import uuid
from typing import Any, Self

from django import forms


def new_idempotency_key() -> str:
    """A fresh key for a write form, minted when the form is rendered."""
    return str(uuid.uuid4())


class IdempotentForm(forms.Form):
    """A write form: the idempotency key minted at render time (plus what subclasses add)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    @classmethod
    def fresh(cls, **kwargs: Any) -> Self:
        """An unbound form carrying a newly minted key."""
        initial = {"idempotency_key": new_idempotency_key(), **kwargs.pop("initial", {})}
        return cls(initial=initial, **kwargs)

    def rekey(self) -> None:
        """Give the re-rendered form a new key: the refused submission created nothing, and
        the corrected one is a different body that must not collide with it under the old key
        (Agiler would answer 409)."""
        data = self.data.copy()
        data["idempotency_key"] = new_idempotency_key()
        self.data = data

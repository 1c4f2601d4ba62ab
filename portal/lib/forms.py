"""The idempotency key every write form carries (one definition for every area).

A key is minted when a write form is rendered and travels in a hidden field: a double click or a
browser retry re-sends the same key, so Agiler replays its first answer instead of applying the
write twice. Agiler accepts keys of up to 128 characters.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Self, cast

from django import forms

if TYPE_CHECKING:
    from django.http import QueryDict

    from portal.agiler import AgilerError


def new_idempotency_key() -> str:
    """A fresh key for a write form, minted when the form is rendered."""
    return str(uuid.uuid4())


def rekey(form: forms.Form) -> None:
    """Give a re-rendered form a new key: the refused submission created nothing, and the
    corrected one is a different body that must not collide with it under the old key (Agiler
    would answer 409)."""
    # A bound form holds request.POST (a QueryDict) or a plain dict: both copy to a mutable one.
    data = cast("QueryDict | dict[str, Any]", form.data).copy()
    data["idempotency_key"] = new_idempotency_key()
    form.data = data


def add_refusal(form: forms.Form, error: AgilerError) -> None:
    """Show Agiler's refusal on the field it names (on the whole form when it names none of
    the form's fields) and rekey the form for the corrected submission."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    rekey(form)


class IdempotentForm(forms.Form):
    """A write form: the idempotency key minted at render time (plus what subclasses add)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    @classmethod
    def fresh(cls, **kwargs: Any) -> Self:
        """An unbound form carrying a newly minted key."""
        initial = {"idempotency_key": new_idempotency_key(), **kwargs.pop("initial", {})}
        return cls(initial=initial, **kwargs)

    def rekey(self) -> None:
        """Give the re-rendered form a new key (see :func:`rekey`)."""
        rekey(self)

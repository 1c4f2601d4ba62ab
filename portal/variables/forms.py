"""Forms of the variables pages: add, edit (write-only sensitive values), remove, ``.env`` paste.

A sensitive value is write-only: the edit form never holds the current one (Agiler does not send
it), offers "replace the value" instead, and needs a new value to turn "sensitive" off (else the
hidden value would become readable). When a form with a sensitive value comes back with an
error, the value is not written into the page: it travels sealed (``portal.lib.sealed``) and is
used unless a new one is typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

from portal.lib.forms import IdempotentForm
from portal.lib.sealed import Unsealable, seal, unseal
from portal.variables.dotenv import MAX_PASTE_CHARACTERS
from portal.variables.names import (
    NAME_MAX_LENGTH,
    VALUE_MAX_LENGTH,
    InvalidVariable,
    check_value,
    clean_name,
)

if TYPE_CHECKING:
    from django.http import QueryDict

SEAL_PURPOSE = "variables.value"
PASTE_PURPOSE = "variables.paste"


def _name_field() -> forms.CharField:
    return forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH + 10,
        help_text="Letters, digits and underscores; upper-cased as you type (SMTP_HOST).",
        widget=forms.TextInput(
            attrs={
                "class": "form-control text-uppercase font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "data-uppercase": "",
            }
        ),
    )


def _value_field(label: str = "Value") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        max_length=VALUE_MAX_LENGTH,
        help_text="Several lines are fine. Leave empty for an empty value.",
        widget=forms.Textarea(
            attrs={
                "class": "form-control font-monospace",
                "rows": 3,
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


class _ValueForm(IdempotentForm):
    """A form with a value that may travel sealed (see the module docstring)."""

    sealed_value = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200_000)

    def __init__(self, *args: Any, user_id: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except InvalidVariable as error:
            raise forms.ValidationError(str(error)) from None

    def clean_value(self) -> str:
        value: str = self.cleaned_data.get("value") or ""
        if not value and self.data.get("sealed_value"):
            try:
                value = unseal(
                    str(self.data["sealed_value"]), purpose=SEAL_PURPOSE, user_id=self.user_id
                )
            except Unsealable:
                raise forms.ValidationError(
                    "The value you typed earlier has expired; type it again."
                ) from None
        try:
            return check_value(value)
        except InvalidVariable as error:
            raise forms.ValidationError(str(error)) from None

    @property
    def value_kept(self) -> bool:
        """Whether a typed sensitive value travels sealed (the page says it is kept)."""
        return bool(self.is_bound and self.data.get("sealed_value"))

    def keep_sensitive_value(self) -> None:
        """Before re-showing the form: a sensitive value leaves the page and travels sealed."""
        if not self.is_bound or not self.data.get("sensitive"):
            return
        value = self.data.get("value") or ""
        # A bound form holds request.POST (a QueryDict) or a plain dict: both copy to a mutable one.
        data = cast("QueryDict | dict[str, Any]", self.data).copy()
        if value:
            data["sealed_value"] = seal(str(value), purpose=SEAL_PURPOSE, user_id=self.user_id)
        data["value"] = ""
        self.data = data


class VariableForm(_ValueForm):
    """Add a variable."""

    field_order = ["idempotency_key", "name", "value", "sensitive"]

    name = _name_field()
    value = _value_field()
    sensitive = forms.BooleanField(
        required=False,
        label="Sensitive (write-only)",
        help_text="Its value is never shown again, to anyone; it can only be replaced.",
    )


class EditVariableForm(_ValueForm):
    """Change a variable; ``current_sensitive`` decides the write-only rules."""

    field_order = ["idempotency_key", "name", "replace_value", "value", "sensitive"]

    name = _name_field()
    replace_value = forms.BooleanField(
        required=False,
        label="Replace the value",
        help_text="The current value is hidden and stays so; tick to set a new one.",
    )
    value = _value_field("New value")
    sensitive = forms.BooleanField(
        required=False,
        label="Sensitive (write-only)",
        help_text="Turning this off needs a new value: the hidden one is never revealed.",
    )

    def __init__(self, *args: Any, current_sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_sensitive = current_sensitive
        if not current_sensitive:
            del self.fields["replace_value"]
            self.fields["value"].label = "Value"
            self.fields["sensitive"].help_text = (
                "Once sensitive, its value is never shown again, to anyone; it can only be "
                "replaced."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.current_sensitive:
            data["send_value"] = True
            return data
        typed = bool(data.get("value")) or bool(self.data.get("sealed_value"))
        if not data.get("sensitive"):
            if not (data.get("replace_value") or typed):
                self.add_error(
                    "value",
                    "Turning “sensitive” off needs a new value: the current one is hidden and "
                    "is never revealed. Type the value to use from now on.",
                )
            data["send_value"] = True
        else:
            data["send_value"] = bool(data.get("replace_value")) or typed
        return data


class RemoveVariableForm(IdempotentForm):
    """Confirmation of a variable's removal."""


class PasteForm(forms.Form):
    """Step one of the bulk edit: the pasted ``.env`` text."""

    paste = forms.CharField(
        label="Paste the contents of a .env file",
        max_length=MAX_PASTE_CHARACTERS,
        strip=False,
        help_text="NAME=value per line. Quotes, “export ”, comments and blank lines are fine. "
        "Nothing is changed until you confirm the preview.",
        widget=forms.Textarea(
            attrs={
                "class": "form-control font-monospace",
                "rows": 10,
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": 'WP_ENV=staging\nSMTP_HOST=smtp.example.com\nSMTP_PASSWORD="…"',
            }
        ),
    )

    def clean_paste(self) -> str:
        paste: str = self.cleaned_data["paste"]
        if "\x00" in paste:
            raise forms.ValidationError("The text contains a NUL character; paste plain text.")
        return paste


class ApplyForm(IdempotentForm):
    """Step two: the sealed paste the preview showed, and the choices made on it."""

    sealed_paste = forms.CharField(widget=forms.HiddenInput, max_length=600_000)

"""Forms of the domains pages: add a domain, make one primary, remove one.

Every form writes through Agiler and carries the idempotency key minted when it was rendered.
"""

from __future__ import annotations

from typing import Any

from django import forms

from portal.domains.names import MAX_LENGTH, InvalidDomain, is_wildcard, to_ascii
from portal.lib.forms import IdempotentForm


class AddDomainForm(IdempotentForm):
    """One field, checked here with Agiler's rules; ``cleaned_data["name"]`` is the ASCII form."""

    name = forms.CharField(
        label="Domain name",
        # Unicode names are longer typed than sent; the real limit is checked on the ASCII form.
        max_length=4 * MAX_LENGTH,
        strip=True,
        help_text="A full name such as www.example.com, or one wildcard such as *.example.com. "
        "Names in any script are accepted (bücher.example).",
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "url",
                "placeholder": "www.example.com",
            }
        ),
    )
    primary = forms.BooleanField(
        required=False,
        label="Make it the site's address (primary domain)",
        help_text="Not possible for a wildcard domain.",
    )

    def clean_name(self) -> str:
        try:
            return to_ascii(self.cleaned_data["name"])
        except InvalidDomain as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("name")
        if name and data.get("primary") and is_wildcard(name):
            self.add_error("primary", "A wildcard domain cannot be the site's address.")
        return data


class MakePrimaryForm(IdempotentForm):
    """Confirmation of a change of the site's address."""


class RemoveDomainForm(IdempotentForm):
    """Confirmation of a domain's removal."""

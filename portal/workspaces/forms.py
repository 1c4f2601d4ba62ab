"""Forms of the workspace pages: the members filter and workspace creation."""

from __future__ import annotations

from django import forms

from portal.workspaces.members import ROLE_ORDER, SORT_KEYS, STATUS_LABELS

NAME_MAX_LENGTH = 100


class MemberFilterForm(forms.Form):
    """Search, status, role and sort of the members table (all optional, GET)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "placeholder": "Name or email",
                "autocomplete": "off",
            }
        ),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *STATUS_LABELS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        required=False,
        choices=[("", "Any role"), *((role, role.capitalize()) for role in ROLE_ORDER)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SORT_KEYS] + [(f"-{key}", f"-{key}") for key in SORT_KEYS],
        widget=forms.HiddenInput,
    )

    def filters(self) -> dict[str, str]:
        """The cleaned filters, defaults for anything missing or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "q": data.get("q", "") or "",
            "status": data.get("status", "") or "",
            "role": data.get("role", "") or "",
            "sort": data.get("sort", "") or "name",
        }


class WorkspaceCreateForm(forms.Form):
    """A new workspace's name, plus the idempotency key minted when the form was shown."""

    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        strip=True,
        label="Name",
        help_text="Shown to every member, e.g. “Acme Marketing”.",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if not name:
            raise forms.ValidationError("Give the workspace a name.")
        if any(ord(ch) < 32 for ch in name):
            raise forms.ValidationError("The name cannot contain control characters.")
        return name

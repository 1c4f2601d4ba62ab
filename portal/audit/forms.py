"""The audit page's filter form (GET): its state lives in the URL."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from portal.audit.actions import action_groups

#: The dates a filter may name: the audit log holds nothing older, and later ones overflow.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)

OUTCOME_CHOICES = [
    ("", "Any outcome"),
    ("success", "Success"),
    ("failure", "Failure"),
    ("unknown", "Unknown"),
]


def _action_choices() -> list[Any]:
    # A group's own value ("backups.") selects every action of the area.
    choices: list[Any] = [("", "Any action")]
    for group, actions in action_groups():
        options = [(f"{group}.", f"All {group} events")] + [(a, a) for a in actions]
        choices.append((group.capitalize(), options))
    return choices


class AuditFilterForm(forms.Form):
    """Filters for the event list and the export; every field is optional."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "Search events…", "type": "search"}
        ),
    )
    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Actor",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "username"}),
    )
    action = forms.ChoiceField(
        required=False, choices=_action_choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=OUTCOME_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    target_type = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    target = forms.CharField(
        required=False,
        max_length=255,
        label="Target",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "id or name"}),
    )
    project = forms.CharField(
        required=False,
        max_length=64,
        label="Project",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "project id"}),
    )
    workspace = forms.CharField(
        required=False,
        max_length=64,
        label="Workspace",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "workspace id"}),
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                f"Choose a date between {FIRST_DAY:%Y-%m-%d} and {LAST_DAY:%Y-%m-%d}."
            )
        return day

    def clean_date_from(self) -> date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_day("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def active_filters(self) -> dict[str, str]:
        """The filters in use, as text (for the export's own audit event and the URL)."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in ("", None)}

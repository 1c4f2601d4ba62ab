"""The audit page's filter form (GET): its state lives in the URL."""

from __future__ import annotations

from typing import Any

from django import forms

from portal.audit.actions import action_groups

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

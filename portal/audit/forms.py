"""The audit page's filter form (GET): its state lives in the URL."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from portal.audit.actions import action_groups
from portal.audit.sentences import action_label

#: The dates a filter may name: the audit log holds nothing older, and later ones overflow.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)

OUTCOME_CHOICES = [
    ("", "Any outcome"),
    ("success", "Done"),
    ("failure", "Refused or failed"),
    ("unknown", "Not sure"),
]

_AREA_LABELS = {
    "auth": "Sign-in",
    "mfa": "Two-factor",
    "tokens": "Agiler tokens",
    "users": "Portal users",
    "sql": "SQL",
}


def _action_choices(performed: set[str] | None = None) -> list[Any]:
    """Actions grouped by area; with ``performed``, only those the log holds (the actions the
    portal performs, not every operation the API knows). A group's own value ("backups.")
    selects every action of the area."""
    choices: list[Any] = [("", "Any action")]
    for group, actions in action_groups(extra=performed or set()):
        if performed is not None:
            actions = [a for a in actions if a in performed]
        if not actions:
            continue
        area = _AREA_LABELS.get(group, group.replace("_", " ").capitalize())
        options = [(f"{group}.", f"Everything in {area}")] + [(a, action_label(a)) for a in actions]
        choices.append((area, options))
    return choices


def _named_choices(
    events: QuerySet[Any], id_field: str, name_field: str, anything: str, current: str
) -> list[tuple[str, str]]:
    """(id, name) of every project or workspace named in ``events``, by name."""
    rows = (
        events.exclude(**{name_field: ""})
        .order_by()
        .values_list(id_field, name_field)
        .distinct()[:500]
    )
    names: dict[str, str] = {}
    for object_id, name in rows:
        names.setdefault(object_id, name)
    if current and current not in names:
        names[current] = current  # a link from another page, by id: keep it selectable
    ordered = sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))
    # Two projects with one name (one deleted, one new) stay apart by a short id.
    seen = [name for _, name in ordered]
    return [("", anything)] + [
        (oid, f"{name} ({oid[:8]})" if seen.count(name) > 1 else name) for oid, name in ordered
    ]


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
    # Chosen by name; the value is the id (links from feature pages pass ids).
    project = forms.CharField(
        required=False,
        max_length=64,
        label="Project",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    workspace = forms.CharField(
        required=False,
        max_length=64,
        label="Workspace",
        widget=forms.Select(attrs={"class": "form-select"}),
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

    def __init__(self, *args: Any, events: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if events is None:
            self.fields["project"].widget = forms.TextInput(attrs={"class": "form-control"})
            self.fields["workspace"].widget = forms.TextInput(attrs={"class": "form-control"})
            return
        current = self.data.get("action", "") if self.is_bound else ""
        performed = set(events.order_by().values_list("action", flat=True).distinct())
        if current and not current.endswith("."):
            performed.add(current)
        choices = _action_choices(performed)
        if current.endswith(".") and not any(
            value == current for _, options in choices[1:] for value, _ in options
        ):
            choices.append((current, f"Everything in {current[:-1]}"))
        cast(forms.ChoiceField, self.fields["action"]).choices = choices
        for field, id_field, name_field, anything in (
            ("project", "project_id", "project_name", "Any project"),
            ("workspace", "workspace_id", "workspace_name", "Any workspace"),
        ):
            chosen = str(self.data.get(field, "")) if self.is_bound else ""
            self.fields[field].widget.choices = _named_choices(
                events, id_field, name_field, anything, chosen
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
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def active_filters(self) -> dict[str, str]:
        """The filters in use, as text (for the export's own audit event and the URL)."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in ("", None)}

"""Forms of the backups pages: take a backup, the policy, delete and restore confirmations.

Every form that writes carries an idempotency key minted when the form is rendered (a hidden
field): a double click or a browser retry re-sends the same key, so Agiler replays its first
answer instead of making a second backup or starting a second restore.
"""

from __future__ import annotations

from typing import Any

from django import forms

from portal.lib.forms import IdempotentForm
from portal.lib.inputs import AsciiIntegerField
from portal.projects.forms import ProjectNameConfirmForm

#: Upper bounds the portal accepts (Agiler's own: frequency 0–30 days, retention 1–365 days).
MAX_FREQUENCY_DAYS = 30
MAX_RETENTION_DAYS = 365


class TakeBackupForm(IdempotentForm):
    """“Take a backup now”: one button, no confirmation, one backup per rendered form."""


class DeleteBackupForm(IdempotentForm):
    """Confirmation of a backup's deletion."""


class PolicyForm(IdempotentForm):
    """How often automatic backups run and how long every backup is kept."""

    frequency_days = AsciiIntegerField(
        label="Take an automatic backup every (days)",
        min_value=0,
        max_value=MAX_FREQUENCY_DAYS,
        help_text=f"0 turns automatic backups off; at most {MAX_FREQUENCY_DAYS} days.",
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    retention_days = AsciiIntegerField(
        label="Keep each backup for (days)",
        min_value=1,
        max_value=MAX_RETENTION_DAYS,
        help_text=(
            "Applies to on-demand backups too. Not shorter than the frequency, "
            f"at most {MAX_RETENTION_DAYS} days."
        ),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency, retention = data.get("frequency_days"), data.get("retention_days")
        if frequency and retention is not None and retention < frequency:
            # Otherwise a backup expires before the next one is taken: days without any backup.
            self.add_error(
                "retention_days",
                f"Keep backups at least as long as the frequency ({frequency} days), or there "
                "would be days with no backup at all.",
            )
        return data


class RestoreForm(ProjectNameConfirmForm):
    """The restore confirmation: drain or not, and the project's name typed out."""

    mismatch_message = "Type the project's name exactly ({name}) to confirm the restore."
    field_order = ["idempotency_key", "drain_requests", "confirm_name"]

    drain_requests = forms.BooleanField(
        required=False,
        label="Drain requests first",
        help_text=(
            "Wait for requests already in flight to finish before the restore begins, so no "
            "visitor's request is cut off half-way (the restore starts a little later)."
        ),
    )

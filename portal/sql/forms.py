"""Forms of the SQL console: the editor (run a statement) and the delete confirmation.

The editor form carries an idempotency key minted when it is rendered: a double press of Run (or
Ctrl+Enter held down) sends the same key, so Agiler replays its first answer instead of running
an UPDATE twice. A write (read-only switch off) is first shown in the shared confirmation, which
re-posts the same fields with ``confirmed`` set.
"""

from __future__ import annotations

from typing import Any

from django import forms

from portal.lib.forms import IdempotentForm

#: Agiler's bounds for a statement's timeout, in seconds (the sandbox refuses anything outside).
MIN_TIMEOUT, MAX_TIMEOUT, DEFAULT_TIMEOUT = 1, 300, 30
#: The longest statement the console sends (Agiler takes up to 100,000 characters).
MAX_SQL = 100_000


class StatementForm(IdempotentForm):
    """The editor: the statement, the read-only switch (on by default) and the timeout."""

    sql = forms.CharField(
        label="SQL statement",
        max_length=MAX_SQL,
        strip=False,
        error_messages={"required": "Write a statement to run."},
        widget=forms.Textarea(
            attrs={
                "class": "form-control sql-editor",
                "rows": 8,
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "data-sql-editor": "",
                "aria-describedby": "sql-editor-help",
            }
        ),
    )
    read_only = forms.BooleanField(
        label="Read-only",
        required=False,
        initial=True,
        help_text="On: the database refuses any change. Turn it off only to change data; "
        "you will be asked to confirm.",
    )
    timeout = forms.IntegerField(
        label="Stop after (seconds)",
        min_value=MIN_TIMEOUT,
        max_value=MAX_TIMEOUT,
        initial=DEFAULT_TIMEOUT,
        error_messages={
            "min_value": f"Give at least {MIN_TIMEOUT} second.",
            "max_value": f"Agiler stops statements after {MAX_TIMEOUT} seconds at most.",
            "invalid": "Give a whole number of seconds.",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_sql(self) -> str:
        sql: str = self.cleaned_data["sql"]
        if not sql.strip():
            raise forms.ValidationError("Write a statement to run.")
        return sql


class WriteConfirmForm(StatementForm):
    """The write confirmation: the editor's fields carried as hidden inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.HiddenInput()


class DeleteStatementForm(IdempotentForm):
    """Confirmation of removing a statement (and its result) from the project's history."""

"""Forms of the project pages: create, settings (rename, runtime, move), active switch, delete.

Every write form carries an idempotency key minted when it is rendered (a hidden field), so a
double submit is replayed by Agiler instead of being applied twice. Names are checked lightly
here; Agiler's own rules (and their messages) come back as field errors from upstream.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypedDict

from django import forms

from portal.lib.forms import IdempotentForm
from portal.projects.catalogs import CatalogEntry

NAME_MAX_LENGTH = 63


def _name_field() -> forms.CharField:
    return forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        strip=True,
        help_text="Lower-case letters, digits and hyphens, e.g. “acme-shop”. Unique in Agiler.",
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


def _select(choices: Iterable[tuple[str, str]], *, label: str, help_text: str = "") -> Any:
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        help_text=help_text,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ProjectCreateForm(IdempotentForm):
    """A new project: name, workspace, and region and runtime from the live catalogs."""

    field_order = ["name", "workspace_id", "region", "runtime"]

    def __init__(
        self,
        *args: Any,
        workspaces: list[tuple[str, str]],
        regions: list[CatalogEntry],
        runtimes: list[CatalogEntry],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = _name_field()
        self.fields["workspace_id"] = _select(workspaces, label="Workspace")
        self.fields["region"] = _select(
            [(r.id, r.label) for r in regions],
            label="Region",
            help_text="Where the site runs and its data lives. It cannot be changed later.",
        )
        offered = [r for r in runtimes if not r.deprecated]
        deprecated = [r.id for r in runtimes if r.deprecated]
        self.fields["runtime"] = _select(
            [(r.id, r.label) for r in offered],
            label="Runtime",
            help_text=(
                f"Deprecated runtimes are not offered for new projects ({', '.join(deprecated)})."
                if deprecated
                else ""
            ),
        )
        self.order_fields(self.field_order)


class ProjectChanges(TypedDict, total=False):
    """The settings a PATCH changes (keywords of ``AgilerClient.update_project``)."""

    name: str
    runtime: str
    workspace_id: str


_CHANGEABLE: tuple[Literal["name", "runtime", "workspace_id"], ...] = (
    "name",
    "runtime",
    "workspace_id",
)


class ProjectSettingsForm(IdempotentForm):
    """Rename, change runtime, move to another workspace. The region is immutable."""

    def __init__(
        self,
        *args: Any,
        project: Any,
        workspaces: list[tuple[str, str]],
        runtimes: list[CatalogEntry],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["name"] = _name_field()
        # The current runtime stays selectable even when deprecated (keeping it is no change);
        # other deprecated ones are not offered.
        offered = [r for r in runtimes if not r.deprecated or r.id == project.runtime]
        if project.runtime not in {r.id for r in offered}:
            offered.append(CatalogEntry(project.runtime, ""))
        self.fields["runtime"] = _select(
            [(r.id, r.label) for r in offered],
            label="Runtime",
            help_text="The site's workers restart on the new runtime.",
        )
        if project.workspace_id not in {ws_id for ws_id, _ in workspaces}:
            workspaces = [(project.workspace_id, project.workspace_id), *workspaces]
        self.fields["workspace_id"] = _select(
            workspaces,
            label="Workspace",
            help_text="Moving a project changes who in Agiler can see and manage it.",
        )
        self.order_fields(["name", "runtime", "workspace_id"])

    def changes(self) -> ProjectChanges:
        """Only the fields that differ from the project: a PATCH sends nothing else."""
        data = self.cleaned_data
        changes: ProjectChanges = {}
        for key in _CHANGEABLE:
            if data.get(key) and data[key] != getattr(self.project, key):
                changes[key] = data[key]
        return changes


class ProjectActiveForm(IdempotentForm):
    """Activate or deactivate: the state wanted, so a replayed click cannot flip it back."""

    active = forms.TypedChoiceField(
        choices=[("true", "Active"), ("false", "Inactive")],
        coerce=lambda value: value == "true",
        widget=forms.HiddenInput,
    )


class ProjectNameConfirmForm(IdempotentForm):
    """A destructive write confirmed by typing the project's name out (delete, restore)."""

    #: The refusal when the typed name differs; ``{name}`` stands for the project's name.
    mismatch_message = "Type {name} exactly to confirm."

    confirm_name = forms.CharField(
        label="Type the project's name to confirm",
        max_length=200,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args: Any, project_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_name = project_name

    def clean_confirm_name(self) -> str:
        typed: str = self.cleaned_data["confirm_name"]
        if typed != self.project_name:
            raise forms.ValidationError(self.mismatch_message.format(name=self.project_name))
        return typed


class ProjectDeleteForm(ProjectNameConfirmForm):
    """Deletion confirmed by typing the project's name."""

    mismatch_message = "Type {name} exactly to delete this project."

"""Forms of the files pages. Each write carries the idempotency key minted when it was shown."""

from __future__ import annotations

from django import forms

from portal.files.paths import BadPath, check_name, clean_path
from portal.lib.forms import IdempotentForm


def _text(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", **attrs})


class NewFolderForm(IdempotentForm):
    name = forms.CharField(label="Folder name", max_length=255, widget=_text(autofocus=""))

    def clean_name(self) -> str:
        try:
            return check_name(self.cleaned_data["name"], what="A folder name")
        except BadPath as error:
            raise forms.ValidationError(str(error)) from None


class PlaceForm(IdempotentForm):
    """Where a moved or copied file or folder goes: a folder (typed, or picked in the tree) and
    a name. ``origin`` is the folder the dialog opened in, to tell a pick from a typed path."""

    name = forms.CharField(label="Name", max_length=255, widget=_text())
    folder = forms.CharField(
        label="Into folder",
        required=False,
        max_length=4096,
        widget=_text(placeholder="/ (the top folder)", **{"data-folder-input": ""}),
        help_text="Type a path such as /wp-content/uploads, or pick a folder below.",
    )
    origin = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4096)
    replace = forms.BooleanField(
        label="Replace what is already there under that name", required=False
    )

    def clean_name(self) -> str:
        try:
            return check_name(self.cleaned_data["name"])
        except BadPath as error:
            raise forms.ValidationError(str(error)) from None

    def clean_folder(self) -> str:
        typed = self.cleaned_data.get("folder") or ""
        picked = self.data.get("folder_pick")
        origin = self.data.get("origin", "")
        # Without JavaScript the tree's pick cannot fill the box: a pick with an untouched box
        # means the pick.
        if picked is not None and typed.strip().strip("/") == origin.strip("/"):
            typed = picked
        try:
            return clean_path(typed.strip(), folder=True)
        except BadPath as error:
            raise forms.ValidationError(str(error)) from None


class DeleteFileForm(IdempotentForm):
    """Delete a file or folder: nothing to type, the key makes a double click one delete."""

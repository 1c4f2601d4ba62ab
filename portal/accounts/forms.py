"""Forms for the token page, two-factor sign-in and people management."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MaxLengthValidator

from portal.accounts.roles import Role


class TokenForm(forms.Form):
    """Paste an Agiler API token. The widget never renders the value back into the page."""

    token = forms.CharField(
        label="Agiler API token",
        max_length=512,
        strip=True,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"},
        ),
        help_text=(
            "Create one in the Agiler app under Settings → API Keys. It is checked with Agiler, "
            "stored encrypted and never shown again."
        ),
    )


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    otp_token = forms.CharField(
        label="Authentication code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class ReEnrolForm(CodeForm):
    """Setting up a new authenticator while one is on: first prove the current factor."""

    current = forms.CharField(
        label="Current password or authentication code",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"class": "form-control", "autocomplete": "current-password"},
        ),
        help_text=(
            "Replacing two-factor sign-in needs your password, or a code from your current app "
            "(a recovery code works too)."
        ),
    )
    field_order = ["current", "otp_token"]


class UserCreateForm(forms.Form):
    """A new portal user; the portal generates their one-time password."""

    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"class": "form-control", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(
        max_length=150, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    last_name = forms.CharField(
        max_length=150, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    email = forms.EmailField(
        required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    role = forms.ChoiceField(
        choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"})
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A portal user with that username already exists.")
        return username


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"})
    )


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "active"), ("0", "inactive")], coerce=lambda v: v == "1"
    )


class PolicyForm(forms.Form):
    require_mfa_admins = forms.BooleanField(
        required=False,
        label="Require two-factor sign-in for admins",
        help_text="On by default: an admin without it is sent to set it up right after signing in.",
    )
    require_mfa = forms.BooleanField(
        required=False,
        label="Require two-factor sign-in for everyone",
        help_text="People without it are sent to set it up right after signing in.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form with a message that does not reveal which half was wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match an active portal account.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is built, so no validator
        # enforces it: a 256-character name reached authenticate() and axes' varchar(255).
        field = cast(forms.CharField, self.fields["username"])
        field.validators.append(MaxLengthValidator(field.max_length or 150))

"""People: admins add portal users, change roles, (de)activate them and reset two-factor."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.accounts.forms import ActiveForm, PolicyForm, RoleForm, UserCreateForm
from portal.accounts.mfa import (
    has_mfa,
    mfa_required,
    mfa_required_for_admins,
    mfa_reset,
    policy_set_require_mfa,
)
from portal.accounts.models import AgilerToken, User
from portal.accounts.people import LastAdminError, user_create, user_set_active, user_set_role
from portal.accounts.roles import Role
from portal.lib.htmx import is_fragment


def _fragment(request: HttpRequest, template: str, name: str) -> str:
    if is_fragment(request):
        return f"{template}#{name}"
    return template


@requires("users.manage")
@require_http_methods(["GET"])
def users_list(request: HttpRequest) -> HttpResponse:
    """Everyone with a portal account, their role, two-factor and token status."""
    people = User.objects.annotate(
        has_mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        has_token=Exists(AgilerToken.objects.filter(user=OuterRef("pk"))),
    ).order_by("-is_active", "username")
    context = {
        "page_title": "People",
        "people": people,
        "policy_form": PolicyForm(
            initial={"require_mfa": mfa_required(), "require_mfa_admins": mfa_required_for_admins()}
        ),
    }
    return render(request, _fragment(request, "accounts/people.html", "people-panel"), context)


@requires("users.manage")
@require_POST
def security_policy(request: HttpRequest) -> HttpResponse:
    """Turn the "everyone needs two-factor sign-in" requirement on or off."""
    form = PolicyForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["require_mfa"]
        admins = form.cleaned_data["require_mfa_admins"]
        state = (
            "required for everyone"
            if value
            else "required for admins, optional for others"
            if admins
            else "optional"
        )
        if policy_set_require_mfa(actor=request.user, value=value, admins=admins, request=request):
            messages.success(request, f"Two-factor sign-in is now {state}.")
        else:
            messages.info(request, f"Nothing changed: two-factor sign-in was already {state}.")
    return redirect("accounts:users")


@requires("users.manage")
@never_cache
@sensitive_variables("password")
@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a person; their one-time password is shown once, on the answer to this POST."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, password = user_create(actor=request.user, request=request, **form.cleaned_data)
        return render(
            request,
            "accounts/user_created.html",
            {
                "page_title": f"{user.get_username()} can now sign in",
                "person": user,
                "password": password,
            },
        )
    status = 400 if request.method == "POST" else 200
    template = _fragment(request, "accounts/user_create.html", "user-create-form")
    context = {"page_title": "Add a person", "form": form, "crumbs": _crumbs("Add a person")}
    return render(request, template, context, status=status)


def _crumbs(label: str) -> list[dict[str, str]]:
    """Home › People › ``label``: the same breadcrumbs component as every other page."""
    return [{"label": "People", "url": reverse("accounts:users")}, {"label": label, "url": ""}]


def _person(username: str) -> User:
    return get_object_or_404(User, username=username)


@requires("users.manage")
@require_http_methods(["GET"])
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    """One person: role, status and the actions an admin can take."""
    person = _person(username)
    context = {
        "page_title": person.get_full_name() or person.get_username(),
        "person": person,
        "role_form": RoleForm(initial={"role": person.role}),
        "person_has_mfa": has_mfa(person),
        "person_has_token": AgilerToken.objects.filter(user=person).exists(),
        "crumbs": _crumbs(person.get_username()),
        # Said only where it applies: on the page of the one remaining active admin.
        "is_last_admin": person.role == Role.ADMIN
        and person.is_active
        and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=person.pk).exists(),
    }
    return render(request, _fragment(request, "accounts/user_detail.html", "person-panel"), context)


@requires("users.manage")
@require_POST
def user_role(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    """Change a person's role (not the last active admin's)."""
    person = _person(username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            if user_set_role(
                actor=request.user, user=person, role=form.cleaned_data["role"], request=request
            ):
                person.refresh_from_db()
                messages.success(request, f"{person.get_username()} is now {person.role_label}.")
        except LastAdminError as refused:
            messages.error(request, str(refused))
    return redirect("accounts:user_detail", username=person.get_username())


@requires("users.manage")
@require_POST
def user_active(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    """Deactivate (sign-in refused, sessions end) or reactivate a person."""
    person = _person(username)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown action.")
    else:
        active = form.cleaned_data["active"]
        try:
            if user_set_active(actor=request.user, user=person, active=active, request=request):
                state = "reactivated" if active else "deactivated"
                messages.success(request, f"{person.get_username()} was {state}.")
        except LastAdminError as refused:
            messages.error(request, str(refused))
    return redirect("accounts:user_detail", username=person.get_username())


@requires("users.manage")
@require_POST
def user_mfa_reset(request: HttpRequest, username: str) -> HttpResponse:
    """Remove a person's authenticator and recovery codes (lost phone); they set it up again."""
    person = _person(username)
    if mfa_reset(actor=request.user, user=person, request=request):
        messages.success(
            request,
            f"Two-factor sign-in was reset for {person.get_username()}: they sign in with their "
            "password and set it up again.",
        )
    else:
        messages.info(request, f"{person.get_username()} had no two-factor sign-in to reset.")
    return redirect("accounts:user_detail", username=person.get_username())

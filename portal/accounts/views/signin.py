"""Sign-in (password, then a second factor when set up), sign-out and password change."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.accounts.access import public, requires
from portal.accounts.forms import CodeForm, PortalAuthenticationForm
from portal.accounts.mfa import code_already_used, has_mfa, verify_second_factor
from portal.accounts.mfa_models import RecoveryCodeDevice
from portal.accounts.sessions import end_sessions
from portal.accounts.throttle import address_throttled, lockout_response
from portal.audit import record, user_target
from portal.audit.actions import Action

#: how long the second step of a sign-in may take before the password must be entered again
MFA_PENDING_SECONDS = 300
_PENDING = "mfa_pending"


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per-address throttle against password spraying (many usernames from one address);
        # django-axes locks one username from one address.
        if address_throttled(request):
            return lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not has_mfa(user):
            return super().form_valid(form)
        # The password was right, but the person is not signed in until the second factor is:
        # remember only who is half-way, for a few minutes, in the (anonymous) session.
        self.request.session[_PENDING] = {
            "user_id": user.pk,
            "backend": getattr(user, "backend", ""),
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_verify")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > MFA_PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        return None
    user_id = pending.get("user_id")
    user = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    if user is None:
        request.session.pop(_PENDING, None)
        return None
    return user, pending


@public
@never_cache
@csrf_protect
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """Second sign-in step: a code from the authenticator app, or a recovery code."""
    from axes.handlers.proxy import AxesProxyHandler

    from portal.accounts.throttle import lockout_response

    found = _pending_user(request)
    if found is None:
        if request.method == "POST":
            messages.info(request, "That sign-in took too long. Enter your password again.")
        return redirect("accounts:login")
    user, pending = found
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["otp_token"])
        if device is not None:
            request.session.pop(_PENDING, None)
            auth_login(request, user, backend=pending.get("backend") or None)
            otp_login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {device.remaining} left. Set up "
                    "two-factor sign-in again to get new ones.",
                )
            target = str(pending.get("next") or "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("core:home")
            return redirect(target)
        # A wrong code counts as a failed sign-in: throttled and audited like a wrong password.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if code_already_used(user, form.cleaned_data["otp_token"]):
            form.add_error(
                "otp_token",
                "That code was already used. Wait for the next code in your app (a new one "
                "appears every 30 seconds) and enter it.",
            )
        else:
            form.add_error(
                "otp_token", "That code is not valid. Enter the current code from the app."
            )
    return render(
        request,
        "accounts/login_verify.html",
        {"form": form, "page_title": "Two-factor sign-in"},
    )


class LogoutView(auth_views.LogoutView):
    """POST-only sign-out (Django 5 refuses GET), then back to the login page."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


@method_decorator(
    sensitive_post_parameters("old_password", "new_password1", "new_password2"), name="dispatch"
)
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")
    extra_context = {"page_title": "Change password"}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = form.user
        if user.must_change_password:
            user.must_change_password = False  # saved by form.save() below
        response = super().form_valid(form)  # keeps this session signed in
        ended = end_sessions(user, keep=self.request.session.session_key)
        record(
            action=Action.AUTH_PASSWORD_CHANGED,
            actor=user,
            request=self.request,
            summary={"sessions_ended": ended},
            **user_target(user),
        )
        messages.success(
            self.request,
            "Your password has been changed."
            + (" You were signed out everywhere else." if ended else ""),
        )
        return response


login = public(LoginView.as_view())
logout = public(LogoutView.as_view())
password_change = requires("self.manage")(PasswordChangeView.as_view())

"""Sign-in, sign-out and password change, on Django's own auth views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from portal.accounts.access import public, requires


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form with a message that does not reveal which half was wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match an active portal account.",
    }


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}


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

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


login = public(LoginView.as_view())
logout = public(LogoutView.as_view())
password_change = requires("self.manage")(PasswordChangeView.as_view())

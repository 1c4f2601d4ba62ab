"""Two-factor sign-in set-up for the signed-in person: QR code, confirmation, recovery codes."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.accounts.access import requires
from portal.accounts.forms import CodeForm, ReEnrolForm
from portal.accounts.mfa import (
    CodeRefused,
    StepUpRefused,
    enrolment_details,
    enrolment_device,
    forget_enrolment,
    has_mfa,
    mfa_confirm_enrolment,
    mfa_required,
    recovery_codes_left,
)
from portal.accounts.throttle import lockout_minutes
from portal.lib.htmx import is_fragment


@requires("self.manage")
@never_cache
@sensitive_post_parameters("otp_token", "current")
@sensitive_variables("codes")
@require_http_methods(["GET", "POST"])
def mfa_page(request: HttpRequest) -> HttpResponse:
    """Status, and set-up (``?setup=1`` or when not yet enrolled): scan, confirm, keep codes.

    Replacing an existing authenticator needs the current password or code in the same POST,
    and repeated wrong answers count towards the sign-in lockout like a wrong password.
    """
    user = request.user
    enrolled = has_mfa(user)
    setting_up = request.method == "POST" or not enrolled or request.GET.get("setup") == "1"
    form_class = ReEnrolForm if enrolled else CodeForm
    form = form_class(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if enrolled and not AxesProxyHandler.is_allowed(request, credentials):
            form.add_error(
                "current",
                f"Too many failed attempts. Try again in {lockout_minutes()} minutes.",
            )
            status = 429
        else:
            device = enrolment_device(user, request.session)
            try:
                codes = mfa_confirm_enrolment(
                    user=user,
                    device=device,
                    code=form.cleaned_data["otp_token"],
                    current=form.cleaned_data.get("current", ""),
                    request=request,
                )
            except StepUpRefused as refused:
                # A wrong password here is a failed sign-in: throttled and audited as one.
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                form.add_error("current", str(refused))
            except CodeRefused as refused:
                form.add_error("otp_token", str(refused))
            else:
                forget_enrolment(request.session)
                # This session just proved the second factor; it counts as verified from now on.
                otp_login(request, device)
                messages.success(request, "Two-factor sign-in is on.")
                return render(
                    request,
                    "accounts/mfa_recovery_codes.html",
                    {"page_title": "Your recovery codes", "codes": codes},
                )
    context = {
        "page_title": "Two-factor sign-in",
        "enrolled": enrolled,
        "required": mfa_required(),
        "setting_up": setting_up,
        "codes_left": recovery_codes_left(user) if enrolled else None,
        "form": form,
    }
    if setting_up:
        context.update(enrolment_details(enrolment_device(user, request.session)))
    template = "accounts/mfa.html"
    if is_fragment(request):
        template += "#mfa-panel"
    return render(request, template, context, status=status)

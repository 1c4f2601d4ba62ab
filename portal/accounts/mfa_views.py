"""Two-factor sign-in set-up for the signed-in person: QR code, confirmation, recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.accounts.access import requires
from portal.accounts.forms import CodeForm
from portal.accounts.mfa import (
    CodeRefused,
    enrolment_details,
    enrolment_device,
    has_mfa,
    mfa_confirm_enrolment,
    mfa_required,
    recovery_codes_left,
)


@requires("self.manage")
@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables("codes")
@require_http_methods(["GET", "POST"])
def mfa_page(request: HttpRequest) -> HttpResponse:
    """Status, and set-up (``?setup=1`` or when not yet enrolled): scan, confirm, keep codes."""
    user = request.user
    enrolled = has_mfa(user)
    setting_up = request.method == "POST" or not enrolled or request.GET.get("setup") == "1"
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = enrolment_device(user)
        try:
            codes = mfa_confirm_enrolment(
                user=user, device=device, code=form.cleaned_data["otp_token"], request=request
            )
        except CodeRefused as refused:
            form.add_error("otp_token", str(refused))
        else:
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
        context.update(enrolment_details(enrolment_device(user)))
    template = "accounts/mfa.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#mfa-panel"
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)

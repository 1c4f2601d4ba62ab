"""The "Your Agiler token" page: save (validated with Agiler), replace, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.access import requires
from portal.accounts.forms import TokenForm
from portal.lib.htmx import is_fragment
from portal.tokens.scopes import grouped, lookup_scopes
from portal.tokens.store import TokenRefused, token_remove, token_save, token_state


def _render(request: HttpRequest, form: TokenForm, *, status: int = 200) -> HttpResponse:
    state = token_state(request.user)
    lookup = lookup_scopes(request.user) if state.present and state.readable else None
    context = {
        "page_title": "Your Agiler token",
        "form": form,
        "state": state,
        "lookup": lookup,
        "groups": grouped(lookup.scopes) if lookup and lookup.scopes is not None else [],
    }
    template = "accounts/token.html"
    if is_fragment(request):
        template += "#token-panel"
    return render(request, template, context, status=status)


@requires("self.manage")
@never_cache
@sensitive_post_parameters("token")
@sensitive_variables("token")
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    """Show the stored token's fingerprint, identity and scopes; POST saves or replaces it."""
    if request.method != "POST":
        return _render(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            row = token_save(user=request.user, token=form.cleaned_data["token"], request=request)
        except TokenRefused as refused:
            form.add_error("token", str(refused))
        else:
            who = row.agiler_name or row.agiler_email
            messages.success(request, f"Token saved. Agiler knows it as {who}.")
            return redirect("accounts:token")
    # Re-rendered with the error; the widget never echoes what was pasted.
    return _render(request, form, status=400)


@requires("self.manage")
@require_POST
def token_remove_view(request: HttpRequest) -> HttpResponse:
    """Forget the stored token (the portal then cannot act on Agiler for this person)."""
    if token_remove(user=request.user, request=request):
        messages.success(request, "Your Agiler token was removed from the portal.")
    return redirect("accounts:token")

"""The one confirmation flow for destructive actions (architecture: "destructive actions").

GET shows the shared confirmation (``components/confirm.html``): it names the object, states the
consequence and carries a freshly minted idempotency key. POST validates the form and calls the
view's ``perform``; a refusal the view declares (typically Agiler's 409) is explained in the
dialog with a fresh key, so the person can try again without the old key replaying the refusal.
A ``blocked`` reason (the action cannot be taken now) leaves the submit button out and refuses a
POST without calling ``perform``.

    return confirm(
        request,
        Confirmation(title="Delete this rule?", object=f"Rule “{rule.name}”", consequence="…",
                     submit="Delete rule", action=url, cancel_url=back),
        form_class=DeleteRuleForm,
        perform=lambda data: ...,             # returns the response after the write
        refusals={Conflict: lambda e: f"Agiler refused: {e}"},
        template="rules/confirm.html", fragment="rule-dialog",
        context={"project": detail, "crumbs": [...], "page_title": "Delete rule"},
    )

The template includes ``components/confirm.html`` inside ``{% partialdef <fragment> inline %}``
with ``confirm_id`` set to the fragment's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from portal.lib.forms import IdempotentForm
from portal.lib.htmx import form_status, is_fragment, render_page

Explain = str | Callable[[Any], str]


@dataclass(frozen=True)
class Confirmation:
    """What the dialog says. ``object`` names the thing acted on in words a person knows."""

    title: str
    object: str
    consequence: str
    submit: str
    action: str
    cancel_url: str
    blocked: str = ""
    testid: str = "confirm-dialog"


def confirm(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    form_class: type[IdempotentForm],
    perform: Callable[[dict[str, Any]], HttpResponse],
    template: str,
    fragment: str,
    form_kwargs: Mapping[str, Any] | None = None,
    refusals: Mapping[type[Exception], Explain] | None = None,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Show the confirmation (GET) or act on it (POST); see the module docstring."""
    kwargs = dict(form_kwargs or {})
    refusals = dict(refusals or {})
    error = ""
    status = 200
    form: forms.Form
    if request.method == "POST" and confirmation.blocked:
        # Refused before asking anyone; htmx needs a 2xx to show the dialog's explanation.
        form = form_class.fresh(**kwargs)
        status = 200 if is_fragment(request) else 409
    elif request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                return perform(form.cleaned_data)
            except tuple(refusals) as refused:
                explain = next(v for k, v in refusals.items() if isinstance(refused, k))
                error = explain(refused) if callable(explain) else explain
                form = form_class.fresh(**kwargs)
                status = form_status(request)
        else:
            status = form_status(request)
            if "idempotency_key" in form.errors:
                # A tampered or missing key: show the dialog again with a good one.
                form = form_class.fresh(**kwargs)
    else:
        form = form_class.fresh(**kwargs)
    page = {
        **asdict(confirmation),
        "form": form,
        "error": error,
        "modal": is_fragment(request),
        "confirm_id": fragment,
        **(context or {}),
    }
    return render_page(request, template, page, fragment=fragment, status=status)

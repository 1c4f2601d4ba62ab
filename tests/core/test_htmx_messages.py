"""Django messages reach htmx fragments as toasts, exactly once."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from portal.core.middleware import HtmxMessagesMiddleware


def _run(view, htmx: bool = True) -> HttpResponse:  # type: ignore[no-untyped-def]
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request = RequestFactory().get("/", **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    chain = HtmxMiddleware(HtmxMessagesMiddleware(view))
    return chain(request)


def test_a_fragment_response_carries_queued_messages_as_an_hx_trigger_event() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        messages.success(request, "Backup started.")
        return HttpResponse("<tr id='row'></tr>")

    response = _run(view)
    payload = json.loads(response.headers["HX-Trigger"])
    assert payload["portal:messages"] == [{"level": "success", "text": "Backup started."}]


def test_a_full_page_that_already_showed_the_messages_does_not_toast_them_again() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        messages.info(request, "Choose your own password to continue.")
        html = Template("{% for m in messages %}{{ m }}{% endfor %}").render(
            Context({"messages": messages.get_messages(request)})
        )
        return HttpResponse(f"<html>{html}</html>")

    response = _run(view)
    assert b"Choose your own password" in response.content
    assert "HX-Trigger" not in response.headers


def test_existing_hx_trigger_events_are_kept() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        messages.warning(request, "Careful.")
        response = HttpResponse("x")
        response.headers["HX-Trigger"] = json.dumps({"backups:changed": None})
        return response

    payload = json.loads(_run(view).headers["HX-Trigger"])
    assert set(payload) == {"backups:changed", "portal:messages"}

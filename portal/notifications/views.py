"""Notification pages: the list, the header indicator, dismissing one.

Dismissal goes through the client, so it is audited by construction. The indicator is loaded
lazily by every page (``hx-trigger="load"``): it must never make a page wait nor fail loudly, so
it swallows upstream errors and shows a quiet "unavailable" bell instead.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.access import requires
from portal.agiler import AgilerError, NotFound
from portal.lib.htmx import is_fragment, render_page
from portal.lib.inputs import valid_idempotency_key
from portal.lib.pager import CursorTrail, with_query
from portal.notifications.services import badge_class, forget_count, unread_count
from portal.tokens.scopes import scope_gate
from portal.tokens.service import agiler_for

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
READ_SCOPE = "notifications:read"
WRITE_SCOPE = "notifications:write"
#: Tells the header indicator (and anything else listening) to refresh its count.
CHANGED_EVENT = "notifications-changed"


@require_GET
@requires("notifications.read")
def notification_list(request: HttpRequest) -> HttpResponse:
    """The caller's notifications, newest first, each with its priority and a dismiss button."""
    trail = CursorTrail.from_request(request)
    client = agiler_for(request.user, request=request)
    page = client.list_notifications(cursor=trail.cursor, limit=PAGE_SIZE)
    rows = [
        {
            "notification": item,
            "badge": badge_class(item.priority),
            # One key per rendered button: a double click dismisses once.
            "key": str(uuid.uuid4()),
        }
        for item in page.items
    ]
    context = {
        "page_title": "Notifications",
        "rows": rows,
        "gate": scope_gate(request.user, WRITE_SCOPE),
        "pager": trail.pager(
            page.next_cursor,
            url=lambda query: with_query(reverse("notifications:list"), query),
            label="Notification pages",
        ),
    }
    return render_page(request, "notifications/list.html", context, fragment="notifications-list")


@require_GET
@requires("notifications.read")
def indicator(request: HttpRequest) -> HttpResponse:
    """The header bell with the unread count (a fragment, loaded after the page)."""
    context: dict[str, object] = {"state": "hidden"}
    if scope_gate(request.user, READ_SCOPE).allowed:
        try:
            count = unread_count(request.user, agiler_for(request.user, request=request))
        except AgilerError as error:
            # Never break (or toast on) every page because the count is unavailable.
            logger.info("notification count unavailable: %s", type(error).__name__)
            context = {"state": "unavailable"}
        else:
            context = {"state": "ok", "unread": count}
    # Opened directly (no htmx), the same count stands on a page of its own.
    template = (
        "notifications/_indicator.html" if is_fragment(request) else "notifications/count.html"
    )
    context["page_title"] = "Notification count"
    return render(request, template, context)


@requires("notifications.dismiss")  # outermost: anonymous callers go to sign-in, even on a GET
@require_POST
def dismiss(request: HttpRequest, notification: str) -> HttpResponse:
    """Dismiss one notification (idempotent per rendered button); htmx removes its row."""
    key = valid_idempotency_key(request.POST.get("idempotency_key"))
    client = agiler_for(request.user, request=request)
    try:
        client.dismiss_notification(notification, idempotency_key=key)
    except NotFound:
        # Dismissed elsewhere (another tab, the Agiler app): the wanted end state holds.
        messages.info(request, "That notification was already dismissed.")
    else:
        messages.success(request, "Notification dismissed.")
    forget_count(request.user)
    if is_fragment(request):
        response = HttpResponse("")  # the row is swapped for nothing
        response["HX-Trigger"] = CHANGED_EVENT
        return response
    return redirect("notifications:list")

"""The audit page: filtered, keyset-paginated events; an event's detail; streamed exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.audit.export import EXPORT_FORMATS, audit_export
from portal.audit.forms import AuditFilterForm
from portal.audit.models import AuditEvent, Outcome
from portal.audit.queries import (
    apply_filters,
    fold_reorder_steps,
    page_of,
    reorder_steps,
    visible_events,
)
from portal.lib.downloads import protect
from portal.lib.htmx import form_status, is_fragment, render_page

if TYPE_CHECKING:
    from portal.accounts.models import User

#: the filter form's id, which htmx sends as HX-Trigger when the form itself asks
FILTER_FORM_ID = "audit-filter"


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    events = visible_events(request.user)
    form = AuditFilterForm(request.GET or None, events=events)
    if form.is_bound and form.is_valid():
        events = apply_filters(events, form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    return form, events


def _query_without_cursor(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    return params.urlencode()


@require_GET
@requires("audit.read_own")
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit log: who did what, when, from where, and how it ended."""
    form, events = _filtered(request)
    page = page_of(
        fold_reorder_steps(events),
        before=request.GET.get("before", ""),
        after=request.GET.get("after", ""),
    )
    fragment = is_fragment(request)
    refused = [str(e) for errors in form.errors.values() for e in errors] if form.is_bound else []
    context = {
        "page_title": "Audit log",
        "form": form,
        "page": page,
        "query": _query_without_cursor(request),
        "filtered": bool(form.active_filters()),
        # Shown inside the swapped table: an invalid htmx filter must say so, not "No events yet".
        "refused": refused,
        "scope": _scope_label(request.user),
        # Anything but the form itself (Clear, Newest, Older) changed the filter: the fragment
        # then carries the form out of band so its inputs match the table.
        "oob_form": fragment and request.htmx.trigger != FILTER_FORM_ID,
    }
    template = "audit/list.html#events-table" if fragment else "audit/list.html"
    status = form_status(request) if refused else 200
    return render(request, template, context, status=status)


def _scope_label(user: User) -> str:
    if user.can("audit.read_all"):
        return "Showing events of the whole team."
    if user.can("audit.read_billing"):
        return "Showing your own events and every billing event."
    return "Showing your own events."


@require_GET
@requires("audit.read_own")
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event in full (redacted summary, hashes), with its intent or outcome rows."""
    event = visible_events(request.user).filter(id=event_id).first()
    if event is None:
        # A folded intent is reachable by id too, for whoever may see its outcome.
        raw = AuditEvent.objects.filter(id=event_id, outcome=Outcome.INTENT).first()
        outcome_row = raw and visible_events(request.user).filter(intent_id=raw.id).first()
        if not outcome_row:
            raise Http404("No such audit event.")
        event = raw
    assert event is not None
    intent = AuditEvent.objects.filter(id=event.intent_id).first() if event.intent_id else None
    outcomes = list(AuditEvent.objects.filter(intent_id=event.id).order_by("id"))
    context = {
        "page_title": "Audit event",
        "event": event,
        "intent": intent,
        "outcomes": outcomes,
        "steps": reorder_steps(event, visible_events(request.user)),
        "summary_items": sorted(event.summary.items()),
        "crumbs": [
            {"label": "Audit log", "url": reverse("audit:list")},
            {"label": "Event", "url": ""},
        ],
    }
    return render_page(request, "audit/detail.html", context, fragment="event-detail")


@require_GET
@requires("audit.export")
def export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """Stream the filtered events as CSV or JSON Lines; the export is itself audited."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format.")
    form, events = _filtered(request)
    content_type, lines, filename = audit_export(
        actor=request.user,
        request=request,
        events=events,
        fmt=fmt,
        filters=form.active_filters(),
    )
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return protect(response)

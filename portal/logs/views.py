"""Logs pages: the search (page or htmx fragment), the live tail's polls and the export.

A search is a sensitive read: each page of results a person opens is recorded in the audit log
(who, which project, which window and filters) before it is shown. The live tail's polls continue
an already-recorded search and are not recorded one by one; an export is recorded as such.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.accounts.access import requires
from portal.agiler import AgilerClient, AgilerError, BadRequest
from portal.audit import record
from portal.audit.actions import Action
from portal.core.agiler_errors import describe
from portal.lib.csv import csv_lines
from portal.lib.downloads import protect
from portal.lib.htmx import render_page
from portal.lib.pager import CursorTrail, with_query
from portal.lib.parallel import run_concurrently
from portal.logs import exports
from portal.logs.search import (
    PRIORITY_CHOICES,
    SCAN_LIMIT,
    SCAN_PAGES,
    LogFilterForm,
    LogSearch,
    rank,
    scan,
    walk,
    zone,
)
from portal.projects.area_pages import area_crumbs
from portal.tokens.service import agiler_for

#: Messages longer than this are folded; the fold shows the first ``FOLD_PREVIEW`` characters.
FOLD_AT = 240
FOLD_PREVIEW = 160
#: An export holds at most this many entries (newest first); the page says so.
EXPORT_LIMIT = 10_000
#: The live tail asks for at most this many new entries per poll.
TAIL_LIMIT = 200
#: priority rank → Tabler colour (the word is always shown beside it)
COLOURS = ["secondary", "azure", "blue", "yellow", "red", "red", "red", "red"]


def _base(project: str) -> str:
    return reverse("logs:list", kwargs={"project": project})


def _url(project: str, search: LogSearch, extra: QueryDict | None = None) -> str:
    query = search.params()
    if extra:
        for key in extra:
            query.setlist(key, extra.getlist(key))
    return with_query(_base(project), query)


def entry_key(entry: Any) -> str:
    """A stable key for an entry (the live tail uses it to never show one twice)."""
    digest = hashlib.sha1(entry.message.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{entry.timestamp.isoformat()}|{entry.request_id}|{digest}"


def _rows(project: str, search: LogSearch, entries: Iterable[Any]) -> list[dict[str, Any]]:
    tz = zone(search.tz)
    rows = []
    for entry in entries:
        level = rank(entry.priority)
        message = entry.message or ""
        rows.append(
            {
                "entry": entry,
                "key": entry_key(entry),
                "local": timezone.localtime(entry.timestamp, tz),
                "priority": (entry.priority or "info").lower(),
                "colour": COLOURS[min(level, len(COLOURS) - 1)],
                "folded": len(message) > FOLD_AT,
                "preview": message[:FOLD_PREVIEW],
                "request_url": _url(project, search.for_request(entry.request_id, entry.timestamp)),
            }
        )
    return rows


#: the browser's IANA time zone, set by static/js/logs.js (the URL's ``tz`` wins)
TZ_COOKIE = "portal_tz"


def _form(request: HttpRequest) -> LogFilterForm:
    """The search from the URL; without ``tz`` there, the zone the browser told us before."""
    data = request.GET.copy()
    remembered = request.COOKIES.get(TZ_COOKIE, "")
    if not data.get("tz") and remembered and zone(remembered).key == remembered:
        data["tz"] = remembered
    return LogFilterForm(data)


def _audit(
    request: HttpRequest, action: str, project: Any, summary: dict[str, object], error: str = ""
) -> None:
    record(
        action=action,
        actor=request.user,
        request=request,
        outcome="failure" if error else "success",
        target_type="project",
        target_id=project.id if project else "",
        target_label=project.name if project else "",
        project_id=project.id if project else "",
        workspace_id=getattr(project, "workspace_id", "") or "",
        summary=summary,
        error_message=error,
    )


def _crumbs(project: Any) -> list[dict[str, str]]:
    return area_crumbs(project, "Logs", reverse("logs:list", args=[project.id]))


@require_GET
@requires("projects.read")
def log_list(request: HttpRequest, project: str) -> HttpResponse:
    """The search: newest first, older pages by cursor, every filter in the URL."""
    form = _form(request)
    client = agiler_for(request.user, request=request)
    trail = CursorTrail.from_request(request)
    valid = form.is_valid()
    search = LogSearch.from_form(form) if valid else LogSearch(tz=form.zone.key)
    notice = ""
    calls: dict[str, Any] = {"project": lambda: client.get_project(project)}
    if valid:
        calls["found"] = lambda: _search(client, project, search, trail.cursor)
    found = run_concurrently(calls)
    detail = found["project"]
    result = found.get("found")
    if isinstance(result, BadRequest) and result.field == "cursor" and trail.cursor:
        # A cursor from an old link (Agiler's expire): start again at the newest entries.
        notice = "That page of older entries has expired; showing the newest ones again."
        trail = CursorTrail(cursor=None)
        result = _search(client, detail.id, search, None)
    summary = {**search.audit_summary(), "page": trail.number}
    if isinstance(result, AgilerError):
        _audit(request, Action.LOGS_SEARCH, detail, summary, error=str(result))
        raise result
    if valid:
        _audit(request, Action.LOGS_SEARCH, detail, summary)
    rows = _rows(detail.id, search, result.entries) if result else []
    pager = trail.pager(
        result.next_cursor if result else None,
        url=lambda query: _url(detail.id, search, query),
        prev_label="← Newer",
        next_label="Older →",
        label="Older and newer entries",
    )
    tail_query = search.params()
    export_query = search.params().urlencode()
    context = {
        "page_title": f"Logs of {detail.name}",
        "project": detail,
        "form": form,
        "search": search,
        "valid": valid,
        "rows": rows,
        "found": result,
        "pager": pager,
        "notice": notice,
        "zone": zone(search.tz).key,
        "window_label": search.describe_window(),
        "priority_label": dict(PRIORITY_CHOICES).get(search.priority, "").lower(),
        "page_summary": f"{len(rows)} entries on this page",
        "tail_url": with_query(reverse("logs:tail", kwargs={"project": detail.id}), tail_query),
        "tail_after": rows[0]["entry"].timestamp.isoformat()
        if rows
        else timezone.now().isoformat(),
        "can_tail": valid and search.live and not trail.cursor,
        "export_csv": f"{reverse('logs:export', kwargs={'project': detail.id, 'fmt': 'csv'})}"
        + (f"?{export_query}" if export_query else ""),
        "export_jsonl": f"{reverse('logs:export', kwargs={'project': detail.id, 'fmt': 'jsonl'})}"
        + (f"?{export_query}" if export_query else ""),
        "export_limit": EXPORT_LIMIT,
        "scan_bound": SCAN_LIMIT * SCAN_PAGES,
        "clear_url": _base(detail.id),
        "list_url": _base(detail.id),
        "crumbs": _crumbs(detail),
    }
    return render_page(request, "logs/list.html", context, fragment="log-results")


def _search(client: AgilerClient, project: str, search: LogSearch, cursor: str | None) -> Any:
    """One page of results, or the Agiler error (so the page can audit the failed search)."""
    try:
        return scan(client, project, search, cursor)
    except AgilerError as error:
        return error


def _after(raw: str, search: LogSearch) -> datetime:
    """The newest moment the page already shows (the tail asks from there on)."""
    try:
        moment = datetime.fromisoformat(raw.strip()[:40])
    except (ValueError, TypeError):
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone(search.tz))
    now = timezone.now()
    return min(max(moment, search.since), now + timedelta(minutes=1))


@require_GET
@requires("projects.read")
def log_tail(request: HttpRequest, project: str) -> HttpResponse:
    """Entries newer than ``after`` for the live tail (newest first; the script dedupes)."""
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(status=400)
    search = LogSearch.from_form(form)
    if not search.live:
        return HttpResponse(status=400)
    after = _after(request.GET.get("after", ""), search)
    client = agiler_for(request.user, request=request)
    found = scan(client, project, search, None, want=TAIL_LIMIT, since=after, pages=1)
    context = {
        "rows": _rows(project, search, found.entries),
        "search": search,
        "more": bool(found.next_cursor),
        "page_title": "New log entries",
        "list_url": _url(project, search),
    }
    response = render_page(request, "logs/tail.html", context, fragment="tail-rows")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@requires("projects.read")
def log_export(
    request: HttpRequest, project: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The current search as JSON Lines or CSV, streamed across pages, at most EXPORT_LIMIT."""
    if fmt not in ("csv", "jsonl"):
        raise Http404("No such export format")
    form = _form(request)
    if not form.is_valid():
        messages.error(request, "Fix the search before exporting it.")
        return redirect(with_query(_base(project), request.GET.copy()))
    search = LogSearch.from_form(form)
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    summary = {**search.audit_summary(), "format": fmt, "limit": EXPORT_LIMIT}
    entries = exports.logs_export(
        actor=request.user,
        request=request,
        project=detail,
        summary=summary,
        entries=walk(client, detail.id, search, limit=EXPORT_LIMIT),
    )
    stream = _guarded(entries)
    stamp = f"{timezone.now():%Y%m%d-%H%M}"
    name = f"{slugify(detail.name) or 'project'}-logs-{stamp}.{fmt}"
    if fmt == "csv":
        tz = zone(search.tz)
        header = ["Time (UTC)", f"Time ({tz.key})", "Priority", "Message", "Request id"]
        rows = (
            [
                e.timestamp.astimezone(UTC).isoformat(),
                timezone.localtime(e.timestamp, tz).strftime("%Y-%m-%d %H:%M:%S"),
                e.priority,
                e.message,
                e.request_id,
            ]
            if not isinstance(e, str)
            else [f"Export stopped early: {e}", "", "", "", ""]
            for e in stream
        )
        body: Iterable[str] = csv_lines(header, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = (_json_line(e) for e in stream)
        content_type = "application/x-ndjson; charset=utf-8"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return protect(response)


def _json_line(entry: Any) -> str:
    if isinstance(entry, str):
        return json.dumps({"export_stopped_early": entry}) + "\n"
    return (
        json.dumps(
            {
                "timestamp": entry.timestamp.isoformat(),
                "priority": entry.priority,
                "message": entry.message,
                "request_id": entry.request_id,
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def _guarded(entries: Iterator[Any]) -> Iterator[Any]:
    """The entries; a failure mid-stream ends the file with a sentence saying so."""
    try:
        yield from entries
    except AgilerError as error:
        _, title, message = describe(error)
        yield f"{title}. {message}"

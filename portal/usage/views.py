"""The usage page (totals, change against the previous window, charts, table) and its CSV.

One upstream round trip: the project, this window and the previous one are fetched at once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.accounts.access import requires
from portal.agiler import AgilerClient
from portal.lib.csv import csv_response
from portal.lib.htmx import render_page
from portal.lib.pager import with_query
from portal.projects.area_pages import area_crumbs, with_project
from portal.tokens.service import agiler_for
from portal.usage import charts, exports
from portal.usage.charts import Series
from portal.usage.series import (
    GRANULARITIES,
    WINDOWS,
    UsageWindow,
    allowed_granularities,
    bytes_text,
    compact_count,
    count_text,
    ms_text,
    totals,
)

CLASSES = (
    Series("responses_2xx", "2xx success", "#2fb344"),
    Series("responses_3xx", "3xx redirect", "#4299e1"),
    Series("responses_4xx", "4xx client error", "#f59f00"),
    Series("responses_5xx", "5xx server error", "#d63939"),
)
SIZES = (
    Series("storage_size", "File storage", "#206bc4"),
    Series("database_size", "Database", "#ae3ec9"),
    Series("backup_size", "Backups", "#f76707"),
)


def _usage(client: AgilerClient, project: str, span: UsageWindow, *, previous: bool = False) -> Any:
    return client.get_usage(
        project,
        since=span.previous_since if previous else span.since,
        until=span.previous_until if previous else span.until,
        granularity=span.granularity,
        limit=span.count,
    )


def _fetch(
    request: HttpRequest, project: str, *, previous: bool
) -> tuple[UsageWindow, dict[str, Any]]:
    """The window the query asks for, with the project and its usage over that window (and
    over the one before it, for the comparison) fetched side by side."""
    span = UsageWindow.from_query(request.GET)
    client = agiler_for(request.user, request=request)
    calls = {"current": lambda: _usage(client, project, span)}
    if previous:
        calls["previous"] = lambda: _usage(client, project, span, previous=True)
    _, found = with_project(client, project, calls)
    return span, found


def _rows(span: UsageWindow, items: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        row = {field: getattr(item, field) for field in item.__dataclass_fields__}
        row["label"] = span.bucket_label(item.events_at)
        row["short"] = span.bucket_label(item.events_at, short=True)
        row["requests_text"] = count_text(item.requests_total)
        row["transfer_text"] = bytes_text(item.datatransfer_out)
        row["duration_text"] = ms_text(item.duration_average)
        for code in ("2xx", "3xx", "4xx", "5xx"):
            row[f"r{code}_text"] = count_text(row[f"responses_{code}"])
        rows.append(row)
    return rows


def axis_bytes(value: float) -> str:
    """An axis label: "1.5 GB", "500 MB" (no ".0"), "0"."""
    return bytes_text(value, digits=1).replace(".0 ", " ") if value else "0"


def _charts(span: UsageWindow, rows: list[dict[str, Any]]) -> list[charts.Chart]:
    per = GRANULARITIES[span.granularity].lower()

    def label(row: dict[str, Any]) -> str:
        return str(row["label"])

    def short(row: dict[str, Any]) -> str:
        return str(row["short"])

    # Every chart plots the same buckets under the same labels.
    chart = partial(charts.build, rows=rows, label=label, short_label=short)
    return [
        chart(
            id="chart-responses",
            title=f"Responses by class, {per}",
            kind="bars",
            series=CLASSES,
            axis=compact_count,
            value_text=count_text,
        ),
        chart(
            id="chart-transfer",
            title=f"Data transferred, {per}",
            kind="bars",
            series=(Series("datatransfer_out", "Data transferred", "#206bc4"),),
            axis=axis_bytes,
            value_text=lambda v: bytes_text(v, digits=2),
        ),
        chart(
            id="chart-duration",
            title=f"Average response time, {per}",
            kind="lines",
            series=(Series("duration_average", "Average response time", "#0ca678"),),
            axis=lambda v: f"{v:,.0f} ms",
            value_text=ms_text,
        ),
        chart(
            id="chart-sizes",
            title="Storage, database and backup sizes",
            kind="lines",
            series=SIZES,
            axis=axis_bytes,
            value_text=lambda v: bytes_text(v, digits=2),
        ),
    ]


def _crumbs(user: Any, project: Any) -> list[dict[str, str]]:
    """Projects › <project> › Usage; finance, who may read usage but not open projects, gets
    the project's name without links it could not follow."""
    if not user.can("projects.read"):
        return [{"label": project.name, "url": ""}, {"label": "Usage", "url": ""}]
    return area_crumbs(project, "Usage", reverse("usage:project", args=[project.id]))


@require_GET
@requires("usage.read")
def usage_page(request: HttpRequest, project: str) -> HttpResponse:
    """Totals, change against the previous window, four charts and the table of buckets."""
    span, found = _fetch(request, project, previous=True)
    detail, current, previous = found["project"], found["current"], found["previous"]
    rows = _rows(span, list(current.items))
    base = reverse("usage:project", kwargs={"project": detail.id})
    context = {
        "page_title": f"Usage of {detail.name}",
        "project": detail,
        "span": span,
        "windows": [(key, label) for key, (label, _, _) in WINDOWS.items()],
        "granularities": [
            (key, label, key in allowed_granularities(span.window))
            for key, label in GRANULARITIES.items()
        ],
        "totals": totals(current.totals, previous.totals),
        "rows": rows,
        "charts": _charts(span, rows) if rows else [],
        "previous_label": f"the {span.count} {span.granularity}s before",
        "export_url": with_query(
            reverse("usage:export", kwargs={"project": detail.id}), span.params()
        ),
        "page_url": base,
        "crumbs": _crumbs(request.user, detail),
    }
    return render_page(request, "usage/page.html", context, fragment="usage-results")


@require_GET
@requires("usage.read")
def usage_export(request: HttpRequest, project: str) -> StreamingHttpResponse:
    """The window's buckets as CSV: raw numbers in named units, one row per bucket."""
    span, found = _fetch(request, project, previous=False)
    detail, current = found["project"], found["current"]
    filename = exports.usage_export(
        actor=request.user, request=request, project=detail, span=span, rows=len(current.items)
    )
    header = [
        "Period start (UTC)",
        "Period",
        "Requests",
        "1xx responses",
        "2xx responses",
        "3xx responses",
        "4xx responses",
        "5xx responses",
        "Requests run by PHP workers",
        "Data transferred (bytes)",
        "Average response time (ms)",
        "Total response time (ms)",
        "File storage (bytes)",
        "Database (bytes)",
        "Backups (bytes)",
    ]
    rows = (
        [
            item.events_at.isoformat(),
            span.bucket_label(item.events_at),
            item.requests_total,
            item.responses_1xx,
            item.responses_2xx,
            item.responses_3xx,
            item.responses_4xx,
            item.responses_5xx,
            item.requests_worker,
            item.datatransfer_out,
            item.duration_average,
            item.duration_total,
            item.storage_size,
            item.database_size,
            item.backup_size,
        ]
        for item in current.items
    )
    return csv_response(header, rows, filename=filename)

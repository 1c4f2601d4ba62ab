"""The usage page as finance reads it: a window, totals with their change, charts, the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.usage.series import UsageWindow, allowed_granularities, bytes_text, change
from tests.helpers import HTMX, client_for


def _project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()


def _url(project: Any, name: str = "usage:project") -> str:
    return reverse(name, kwargs={"project": project.id})


def test_finance_reads_daily_usage_for_30_days(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    project = _project(sandbox)
    response = client_for(tokened_cast["finance"]).get(
        _url(project), {"window": "30d", "granularity": "day"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Last 30 days" in body and "30 days, compared with the 30 days before" in body
    for total in ("requests", "errors", "transfer", "duration", "storage", "database", "backups"):
        assert f'data-testid="total-{total}"' in body
    for chart in ("responses", "transfer", "duration", "sizes"):
        assert f'data-testid="chart-{chart}"' in body
    assert body.count('class="chart-bucket"') == 4 * 30
    assert " GB" in body and " ms" in body
    assert "style=" not in body


def test_the_totals_match_the_buckets_agiler_counted(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    project = _project(sandbox)
    body = (
        client_for(tokened_cast["finance"])
        .get(_url(project), {"window": "7d", "granularity": "day"})
        .content.decode()
    )
    rows = body.split('data-testid="usage-table"')[1].split("</table>")[0]
    counts = [
        int(match.replace(",", ""))
        for match in re.findall(r'</th><td class="text-end">([\d,]+)</td>', rows)
    ]
    assert len(counts) == 7
    total = body.split('data-testid="total-requests"')[1].split('class="h2 mb-0">')[1]
    assert int(total.split("<")[0].replace(",", "")) == sum(counts)


def test_a_granularity_too_fine_for_the_window_is_explained(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    project = _project(sandbox)
    body = (
        client_for(tokened_cast["finance"])
        .get(_url(project), {"window": "365d", "granularity": "hour"})
        .content.decode()
    )
    assert "Hourly buckets do not fit the last 12 months" in body
    assert body.count('class="chart-bucket"') == 4 * 53  # weekly instead


@pytest.mark.parametrize(
    "query",
    [{"window": "x" * 3000}, {"granularity": "year"}, {"window": "\x00"}, {"window": ["a", "b"]}],
)
def test_bad_input_is_a_page_never_a_500(sandbox, tokened_cast, query) -> None:  # type: ignore[no-untyped-def]
    project = _project(sandbox)
    for extra in ({}, HTMX):
        response = client_for(tokened_cast["finance"]).get(_url(project), query, **extra)
        # The page with a message (200), or the "bad input" page for a NUL character (400).
        assert response.status_code in (200, 400)
        assert response.content


def test_csv_has_one_row_per_bucket_in_named_units_and_is_audited(sandbox, tokened_cast) -> None:  # type: ignore[no-untyped-def]
    project = _project(sandbox)
    response = client_for(tokened_cast["finance"]).get(
        _url(project, "usage:export"), {"window": "30d", "granularity": "day"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Period start (UTC)", "Period", "Requests"]
    assert "Data transferred (bytes)" in rows[0]
    assert len(rows) == 31
    assert AuditEvent.objects.filter(action="usage.export", project_id=project.id).exists()


def test_every_window_offers_only_granularities_within_365_buckets() -> None:
    from django.http import QueryDict

    for window in ("24h", "7d", "30d", "90d", "365d"):
        for granularity in allowed_granularities(window):
            span = UsageWindow.from_query(
                QueryDict(f"window={window}&granularity={granularity}"),
                now=datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
            )
            assert 1 <= span.count <= 365
            assert span.previous_until < span.since


def test_units_and_changes_read_like_sentences() -> None:
    assert bytes_text(1_234_567_890, digits=2) == "1.23 GB"
    assert change(120, 100).text == "▲ 20 %"
    assert change(3.0, 1.0, points=True, worse_up=True).tone == "bad"
    assert change(5, 0).text == "new"


def test_the_portal_cuts_buckets_where_the_simulated_agiler_does() -> None:
    """The bucket arithmetic is written twice on purpose (the sandbox and the portal import
    nothing of each other); this keeps the two copies of the contract in step."""
    from agiler_sandbox.handlers import usage as simulated
    from portal.usage import series

    moments = [
        datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # a Sunday, the night clocks change in Europe
        datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
    ]
    for moment in moments:
        for granularity in ("hour", "day", "week", "month"):
            start = series.align(moment, granularity)
            assert start == simulated.align(moment, granularity)
            for count in (-13, -1, 1, 12):
                assert series.step(start, granularity, count) == simulated.step(
                    start, granularity, count
                )


def test_a_troubled_projects_usage_and_logs_agree(sandbox) -> None:  # type: ignore[no-untyped-def]
    from agiler_sandbox.seed_project import troubled

    shares = {}
    for project in sandbox.inspect.projects():
        logs = sandbox.inspect.logs(project)
        errors = sum(1 for e in logs if e["priority"] == "error")
        seed = sandbox.inspect.usage_seed(project)
        shares[troubled(seed)] = shares.get(troubled(seed), []) + [errors / len(logs)]
    assert True in shares and False in shares
    assert min(shares[True]) > max(shares[False])

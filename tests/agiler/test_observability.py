"""Logs and usage against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.agiler import AgilerClient, BadRequest, ProjectLogEventOutput, ProjectUsageResponse
from tests.helpers import RecordingTransport


def test_list_logs_sends_the_window_and_filter(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    until = datetime.now(UTC)
    page = client.list_logs(
        project_id, since=until - timedelta(days=365), until=until, q="wp-login", limit=10
    )
    assert all(isinstance(e, ProjectLogEventOutput) for e in page)
    params = wire.last.url.params
    assert params["q"] == "wp-login" and params["limit"] == "10"
    assert datetime.fromisoformat(params["until"]) == until
    assert all("wp-login" in e.message for e in page)


def test_get_usage_returns_buckets_and_totals(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    usage = client.get_usage(project_id, granularity="day", limit=7)
    assert isinstance(usage, ProjectUsageResponse)
    assert len(usage.items) <= 7 and usage.totals.requests_total >= 0
    assert wire.last.url.params["granularity"] == "day"


def test_an_unknown_granularity_is_refused(client: AgilerClient, project_id: str) -> None:
    with pytest.raises(BadRequest) as caught:
        client.get_usage(project_id, granularity="year")  # type: ignore[arg-type]
    assert caught.value.field == "granularity"

"""Project usage series: windows, pagination, and plausible values at the edges of time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.helpers import assert_error

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _usage(owner, project, **params):
    return owner.get(f"/projects/{project['id']}/usage", params=params)


def test_usage_defaults_to_30_daily_buckets_with_totals(owner, project) -> None:
    usage = owner.get(f"/projects/{project['id']}/usage").json()
    assert len(usage["items"]) == 30
    totals = usage["totals"]
    assert totals["requests_total"] == sum(i["requests_total"] for i in usage["items"])
    assert {"events_at", "responses_5xx", "datatransfer_out"} <= set(usage["items"][0])


def test_usage_granularities_and_validation(owner, project) -> None:
    url = f"/projects/{project['id']}/usage"
    for granularity in ("hour", "day", "week", "month"):
        response = owner.get(url, params={"granularity": granularity, "limit": 5})
        assert response.status_code == 200 and len(response.json()["items"]) == 5
    assert_error(owner.get(url, params={"granularity": "year"}), 400, field="granularity")
    assert owner.get(url, params={"limit": 365}).status_code == 200
    assert_error(owner.get(url, params={"limit": 366}), 400, field="limit")
    assert_error(owner.get(url, params={"since": "2000-01-01T00:00:00Z"}), 400, field="since")


def test_usage_window_paginates_buckets(owner, project) -> None:
    url = f"/projects/{project['id']}/usage"
    params = {
        "granularity": "hour",
        "since": "2024-01-01T00:00:00Z",
        "until": "2024-01-02T23:00:00Z",
        "limit": 20,
    }
    pages = [owner.get(url, params=params)]
    while "link" in pages[-1].headers:
        link = pages[-1].headers["link"]
        pages.append(owner.get(link[1 : link.index(">")]))
    assert [len(p.json()["items"]) for p in pages] == [20, 20, 8]  # 48 hourly buckets
    stamps = [i["events_at"] for p in pages for i in p.json()["items"]]
    assert stamps[0] == "2024-01-01T00:00:00Z" and stamps[-1] == "2024-01-02T23:00:00Z"
    assert len({str(p.json()["totals"]) for p in pages}) == 1


def test_years_before_1000_are_zero_padded_date_times(owner, project) -> None:
    usage = _usage(owner, project, until="1000-01-01T00:00:00Z").json()
    stamps = [item["events_at"] for item in usage["items"]]
    assert all(RFC3339.match(stamp) for stamp in stamps), stamps
    assert stamps[0] == "0999-12-03T00:00:00Z" and stamps[-1] == "1000-01-01T00:00:00Z"


@pytest.mark.parametrize("granularity", ["hour", "day", "week", "month"])
def test_a_window_reaching_before_year_1_is_a_400_on_until(owner, project, granularity) -> None:
    response = _usage(owner, project, until="0001-01-05T00:00:00Z", granularity=granularity)
    if granularity == "hour":  # 30 hours back from 5 January still fits
        assert response.status_code == 200
    else:
        assert_error(response, 400, field="until")


def test_a_window_at_the_very_start_of_year_1_is_answered(owner, project) -> None:
    usage = _usage(owner, project, until="0001-01-05T00:00:00Z", limit=5).json()
    assert [i["events_at"][:10] for i in usage["items"]] == [
        f"0001-01-0{day}" for day in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"until": "0001-01-01T00:00:00+01:00"}, "until"),  # 31 Dec of year 0 in UTC
        ({"until": "9999-12-31T23:00:00Z"}, "until"),  # the last day has no end
        ({"until": "9999-12-31T23:00:00Z", "granularity": "hour"}, "until"),
        ({"since": "0001-01-01T00:30:00+01:00", "until": "0001-01-02T00:00:00Z"}, "since"),
    ],
)
def test_windows_outside_the_representable_years_are_400_not_500(
    owner, project, params, field
) -> None:
    assert_error(_usage(owner, project, **params), 400, field=field)


def test_the_day_before_the_last_one_of_9999_is_answered(owner, project) -> None:
    usage = _usage(owner, project, until="9999-12-30T12:00:00Z", limit=1).json()
    assert [i["events_at"] for i in usage["items"]] == ["9999-12-30T00:00:00Z"]


def test_no_usage_before_the_project_existed_and_gauges_never_negative(owner, project) -> None:
    created = datetime.fromisoformat(project["created_at"].replace("Z", "+00:00"))
    usage = _usage(
        owner, project, granularity="month", limit=365, until=project["created_at"]
    ).json()
    before, (creation_month,) = usage["items"][:-1], usage["items"][-1:]
    assert all(v == 0 for item in before for k, v in item.items() if k != "events_at")
    assert creation_month["events_at"][:7] == created.strftime("%Y-%m")
    assert creation_month["storage_size"] > 0 and creation_month["requests_total"] > 0
    old = _usage(owner, project, until="1000-01-01T00:00:00Z", granularity="month").json()
    values = [v for item in old["items"] for k, v in item.items() if k != "events_at"]
    assert values and min(values) == 0 and max(values) == 0


def test_gauges_grow_from_the_project_creation(owner, project) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = _usage(owner, project, granularity="month", limit=365, until=now).json()["items"]
    sizes = [i["storage_size"] for i in items if i["storage_size"]]
    assert sizes == sorted(sizes) and len(sizes) >= 2

"""Project usage time series: deterministic per project, bucket and granularity."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from agiler_sandbox.http import Request, Response, invalid, json_response, parse_rfc3339, rfc3339
from agiler_sandbox.pagination import next_link, page_window
from agiler_sandbox.seed_project import troubled

from .common import project_of

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

GRANULARITIES = ("hour", "day", "week", "month")
MAX_BUCKETS = 365
COUNTERS = (
    "requests_total",
    "requests_worker",
    "responses_1xx",
    "responses_2xx",
    "responses_3xx",
    "responses_4xx",
    "responses_5xx",
    "datatransfer_out",
    "duration_total",
)
GAUGES = ("storage_size", "database_size", "backup_size")


# align() and step() are also in portal/usage/series.py, on purpose: the simulator plays
# Agiler and imports nothing of the portal (and the portal nothing of it), so each side keeps
# its own copy of the bucket rules; tests/usage/test_usage_page.py fails when they disagree.
def align(moment: datetime, granularity: str) -> datetime:
    """Start of the bucket containing ``moment``."""
    moment = moment.replace(minute=0, second=0, microsecond=0)
    if granularity == "hour":
        return moment
    moment = moment.replace(hour=0)
    if granularity == "day":
        return moment
    if granularity == "week":
        return moment - timedelta(days=moment.weekday())
    return moment.replace(day=1)


def step(moment: datetime, granularity: str, count: int = 1) -> datetime:
    """Move ``count`` buckets forward (negative: backward)."""
    if granularity == "month":
        index = moment.year * 12 + moment.month - 1 + count
        return moment.replace(year=index // 12, month=index % 12 + 1)
    hours = {"hour": 1, "day": 24, "week": 168}[granularity]
    return moment + timedelta(hours=hours * count)


def bucket(
    seed: int, start: datetime, end: datetime, granularity: str, created_at: datetime
) -> dict[str, Any]:
    """One ProjectUsageOutput, reproducible from (project seed, bucket start, granularity).

    A project has no traffic and no storage before ``created_at``: earlier buckets are all
    zeros, the bucket it was created in only counts the hours after that, and the gauges grow
    from their size at creation.
    """
    if end <= created_at:
        empty = dict.fromkeys((*COUNTERS, "duration_average", *GAUGES), 0)
        return {"events_at": rfc3339(start), **empty}
    rng = random.Random(f"{seed}:{granularity}:{int(start.timestamp())}")
    hours = max(1.0, (end - max(start, created_at)).total_seconds() / 3600)
    diurnal = 0.4 + abs(12 - start.hour) / 12 if granularity == "hour" else 1.0
    requests = int(hours * 450 * diurnal * (0.6 + 0.8 * rng.random()))
    # A troubled project (see seed_project.troubled) answers 2-8 % 5xx, the others under 0.4 %;
    # its logs carry the matching error entries.
    r5 = int(requests * (0.02 + rng.random() * 0.06 if troubled(seed) else rng.random() * 0.004))
    r4 = int(requests * (0.01 + rng.random() * 0.03))
    r3 = int(requests * (0.05 + rng.random() * 0.1))
    r1 = int(requests * 0.0005)
    duration_total = requests * rng.randint(40, 160)
    age_days = max(0, (start - created_at).days)
    return {
        "events_at": rfc3339(start),
        "requests_total": requests,
        "requests_worker": int(requests * (0.2 + rng.random() * 0.2)),
        "responses_1xx": r1,
        "responses_2xx": requests - r1 - r3 - r4 - r5,
        "responses_3xx": r3,
        "responses_4xx": r4,
        "responses_5xx": r5,
        "datatransfer_out": requests * rng.randint(20_000, 90_000),
        "duration_total": duration_total,
        "duration_average": duration_total // requests if requests else 0,
        "storage_size": 300_000_000 + age_days * 150_000 + seed % 100_000_000,
        "database_size": 40_000_000 + age_days * 20_000 + seed % 10_000_000,
        "backup_size": 900_000_000 + age_days * 400_000,
    }


def get_usage(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/usage: buckets plus totals over the whole window."""
    state, project, data = project_of(app, request)
    granularity = request.arg("granularity") or "day"
    if granularity not in GRANULARITIES:
        raise invalid("granularity", "granularity must be one of hour, day, week, month")
    offset, limit = page_window(request, 30, MAX_BUCKETS)
    until_raw, since_raw = request.arg("until"), request.arg("since")
    until = parse_rfc3339(until_raw, "until") if until_raw else state.now()
    last = align(until, granularity)
    try:
        step(last, granularity)  # the last bucket must end on a representable date
    except (OverflowError, ValueError):
        raise invalid("until", f"until must be before the last {granularity} of 9999") from None
    if since_raw:
        first = align(parse_rfc3339(since_raw, "since"), granularity)
        if first > last:
            raise invalid("since", "since must not be after until")
        count = 0
        probe = first
        while probe <= last:
            count += 1
            if count > MAX_BUCKETS:
                raise invalid("since", f"the window spans more than {MAX_BUCKETS} buckets")
            probe = step(probe, granularity)
    else:
        count = limit
        try:
            first = step(last, granularity, -(limit - 1))
        except (OverflowError, ValueError):
            # Refused rather than clamped: a silently shorter series would look like a bug.
            raise invalid(
                "until", f"{limit} {granularity} buckets before until reach before year 1"
            ) from None
    starts = [step(first, granularity, i) for i in range(count)]
    items = [
        bucket(data.usage_seed, s, step(s, granularity), granularity, project.created_at)
        for s in starts
    ]
    totals: dict[str, int] = {k: sum(i[k] for i in items) for k in COUNTERS}
    totals.update({k: items[-1][k] if items else 0 for k in GAUGES})
    totals["duration_average"] = (
        totals["duration_total"] // totals["requests_total"] if totals["requests_total"] else 0
    )
    response = json_response({"items": items[offset : offset + limit], "totals": totals})
    if offset + limit < len(items):
        response.headers.append(("Link", next_link(request, offset + limit, limit)))
    return response

"""Usage windows and buckets as people choose them, and totals in units people read.

Agiler counts usage in UTC buckets of an hour, day, week (from Monday) or month and answers at
most 365 buckets per call. A window here is a whole number of buckets ending with the current
(partial) one; the previous window is the same number of buckets just before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.http import QueryDict
from django.utils import timezone

if TYPE_CHECKING:
    from portal.agiler.usage import Granularity

MAX_BUCKETS = 365
GRANULARITIES = {"hour": "Hourly", "day": "Daily", "week": "Weekly", "month": "Monthly"}
#: window → (label, length, default granularity)
WINDOWS: dict[str, tuple[str, timedelta, str]] = {
    "24h": ("Last 24 hours", timedelta(hours=24), "hour"),
    "7d": ("Last 7 days", timedelta(days=7), "hour"),
    "30d": ("Last 30 days", timedelta(days=30), "day"),
    "90d": ("Last 90 days", timedelta(days=90), "day"),
    "365d": ("Last 12 months", timedelta(days=365), "week"),
}
DEFAULT_WINDOW = "30d"
_APPROX = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=365.25 / 12),
}


# align() and step() are Agiler's bucket arithmetic, and agiler_sandbox/handlers/usage.py holds
# its own copy: the simulator stands in for Agiler, so neither side imports the other (the
# sandbox is not even in the production image). Two short copies are the price of that; a test
# (tests/usage/test_usage_page.py) fails when they disagree.
def align(moment: datetime, granularity: str) -> datetime:
    """The start (UTC) of the bucket holding ``moment``."""
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if granularity == "hour":
        return moment
    moment = moment.replace(hour=0)
    if granularity == "day":
        return moment
    if granularity == "week":
        return moment - timedelta(days=moment.weekday())
    return moment.replace(day=1)


def step(moment: datetime, granularity: str, count: int = 1) -> datetime:
    """``count`` buckets later (earlier when negative)."""
    if granularity == "month":
        index = moment.year * 12 + moment.month - 1 + count
        return moment.replace(year=index // 12, month=index % 12 + 1)
    return moment + _APPROX[granularity] * count


def bucket_count(window: str, granularity: str) -> int:
    return max(1, math.ceil(WINDOWS[window][1] / _APPROX[granularity] - 1e-9))


def allowed_granularities(window: str) -> list[str]:
    """Granularities that give this window at least 2 and at most 365 buckets."""
    return [
        g
        for g in GRANULARITIES
        if 2 <= bucket_count(window, g) <= MAX_BUCKETS or g == WINDOWS[window][2]
    ]


@dataclass(frozen=True)
class UsageWindow:
    window: str
    granularity: Granularity
    count: int
    since: datetime
    until: datetime
    previous_since: datetime
    previous_until: datetime
    #: a sentence when the request asked for something we changed (shown above the charts)
    adjusted: str = ""

    @classmethod
    def from_query(cls, query: QueryDict, now: datetime | None = None) -> UsageWindow:
        now = now or timezone.now()
        window = query.get("window", "")
        adjusted = ""
        if window not in WINDOWS:
            if window:
                adjusted = "That time window is not one the page offers; showing the last 30 days."
            window = DEFAULT_WINDOW
        granularity = query.get("granularity", "") or WINDOWS[window][2]
        if granularity not in allowed_granularities(window):
            label = WINDOWS[window][0].lower()
            if granularity in GRANULARITIES:
                adjusted = (
                    f"{GRANULARITIES[granularity]} buckets do not fit the {label} (Agiler "
                    f"answers at most {MAX_BUCKETS} buckets, and a chart needs two); showing "
                    f"{GRANULARITIES[WINDOWS[window][2]].lower()} ones."
                )
            elif granularity:
                adjusted = "That bucket size is not one Agiler offers; showing the default."
            granularity = WINDOWS[window][2]
        count = bucket_count(window, granularity)
        last = align(now, granularity)
        first = step(last, granularity, -(count - 1))
        previous_first = step(first, granularity, -count)
        return cls(
            window=window,
            # one of allowed_granularities(window), checked above
            granularity=cast("Granularity", granularity),
            count=count,
            since=first,
            until=now,
            previous_since=previous_first,
            previous_until=first - timedelta(seconds=1),
            adjusted=adjusted,
        )

    @property
    def label(self) -> str:
        return WINDOWS[self.window][0]

    def params(self) -> QueryDict:
        query = QueryDict(mutable=True)
        query["window"] = self.window
        query["granularity"] = self.granularity
        return query

    def bucket_label(self, start: datetime, *, short: bool = False) -> str:
        """The period a bucket covers, in words (UTC, as Agiler counts)."""
        start = start.astimezone(UTC)
        if self.granularity == "hour":
            return f"{start:%d %b %H:00}" if not short else f"{start:%H:00}"
        if self.granularity == "day":
            return f"{start:%a %d %b}" if not short else f"{start:%d %b}"
        if self.granularity == "week":
            return f"Week of {start:%d %b %Y}" if not short else f"{start:%d %b}"
        return f"{start:%B %Y}" if not short else f"{start:%b %y}"


# -- units people read -----------------------------------------------------------------------


def count_text(value: int | float) -> str:
    return f"{int(round(value)):,}"


def compact_count(value: float) -> str:
    """1,234 → 1.2k; for axis labels."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}"


def bytes_text(value: float, *, digits: int = 1) -> str:
    """Decimal units, as storage is sold: 1 GB = 1,000,000,000 bytes."""
    for size, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(value) >= size:
            return f"{value / size:,.{digits}f} {unit}"
    return f"{value:,.0f} bytes"


def ms_text(value: float) -> str:
    return f"{value:,.0f} ms"


def share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def percent_text(value: float) -> str:
    if value == 0:
        return "0 %"
    if value < 0.1:
        return "under 0.1 %"
    return f"{value:.1f} %"


@dataclass(frozen=True)
class Change:
    """How a figure moved against the previous window, in words and as a direction."""

    text: str
    direction: str  # "up", "down" or "flat"
    #: whether the move is good news ("good"), bad ("bad") or neither ("")
    tone: str = ""


def change(
    current: float, previous: float, *, points: bool = False, worse_up: bool = False
) -> Change:
    """``current`` against ``previous``: a percentage, or percentage points for shares."""
    if points:
        delta = current - previous
        if abs(delta) < 0.05:
            return Change("no change", "flat")
        direction = "up" if delta > 0 else "down"
        tone = ("bad" if delta > 0 else "good") if worse_up else ""
        arrow = "▲" if delta > 0 else "▼"
        return Change(f"{arrow} {abs(delta):.1f} points", direction, tone)
    if not previous:
        return Change("new" if current else "no change", "up" if current else "flat")
    ratio = (current - previous) / previous * 100
    if abs(ratio) < 0.5:
        return Change("no change", "flat")
    direction = "up" if ratio > 0 else "down"
    tone = ("bad" if ratio > 0 else "good") if worse_up else ""
    arrow = "▲" if ratio > 0 else "▼"
    return Change(f"{arrow} {abs(ratio):,.0f} %", direction, tone)


def totals(current: Any, previous: Any | None) -> list[dict[str, Any]]:
    """The totals cards: figure, unit words and change against the previous window."""

    def prev(name: str) -> float:
        return float(getattr(previous, name)) if previous is not None else 0.0

    r5 = share(current.responses_5xx, current.requests_total)
    r5_prev = share(int(prev("responses_5xx")), int(prev("requests_total")))
    cards = [
        ("requests", "Requests", count_text(current.requests_total), "requests_total", False),
        (
            "transfer",
            "Data transferred",
            bytes_text(current.datatransfer_out, digits=2),
            "datatransfer_out",
            False,
        ),
        (
            "duration",
            "Average response time",
            ms_text(current.duration_average),
            "duration_average",
            True,
        ),
        ("storage", "File storage", bytes_text(current.storage_size), "storage_size", False),
        ("database", "Database", bytes_text(current.database_size), "database_size", False),
        ("backups", "Backups", bytes_text(current.backup_size), "backup_size", False),
    ]
    out = []
    for key, label, value, field, worse_up in cards:
        moved = change(float(getattr(current, field)), prev(field), worse_up=worse_up)
        out.append({"key": key, "label": label, "value": value, "change": moved})
    out.insert(
        1,
        {
            "key": "errors",
            "label": "Server errors (5xx)",
            "value": percent_text(r5),
            "detail": (
                f"{count_text(current.responses_5xx)} of {count_text(current.requests_total)}"
            ),
            "change": change(r5, r5_prev, points=True, worse_up=True),
        },
    )
    return out

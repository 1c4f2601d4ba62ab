"""A log search as a person writes it (window, text, priority, request id) and as Agiler reads it.

Every filter lives in the URL, so a support person can paste the link into a ticket. Times a
person types are in their own time zone (``tz``, an IANA name the page's script fills in from the
browser; the portal's zone without it); Agiler gets RFC 3339 UTC.

Agiler filters by window and free text only. Priority and request id are filtered here, over a
bounded scan of upstream pages (``SCAN_PAGES`` × ``SCAN_LIMIT`` entries at most per page shown).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

#: window key → (label, length); "custom" takes the two dates the person typed.
PRESETS: dict[str, tuple[str, timedelta]] = {
    "15m": ("Last 15 minutes", timedelta(minutes=15)),
    "1h": ("Last hour", timedelta(hours=1)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
}
DEFAULT_WINDOW = "24h"
WINDOW_CHOICES = [(key, label) for key, (label, _) in PRESETS.items()] + [
    ("custom", "Custom range")
]

#: Syslog severities, mildest first; an unknown word ranks as "info".
LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
RANK = {name: index for index, name in enumerate(LEVELS)}
RANK.update({"warn": RANK["warning"], "err": RANK["error"], "crit": RANK["critical"]})
RANK["emerg"] = RANK["emergency"]
PRIORITY_CHOICES = [
    ("", "Any priority"),
    ("notice", "Notice and worse"),
    ("warning", "Warnings and errors"),
    ("error", "Errors only"),
]

#: entries per page shown; upstream page size and page budget when filtering here.
PAGE_SIZE = 50
SCAN_LIMIT = 1000
SCAN_PAGES = 3
MAX_Q = 200
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
#: A message that reads like a failure even when its priority does not say so.
ERROR_WORDS = re.compile(r"\b(fatal|error|exception|panic)\b|\s5\d\d\s", re.IGNORECASE)
#: a request younger than this may still be logging: narrowing to it keeps the window open
RECENT = timedelta(hours=1)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def rank(priority: str) -> int:
    return RANK.get((priority or "").strip().lower(), RANK["info"])


def looks_like_error(entry: Any) -> bool:
    """An entry support should look at: priority error or worse, or a failure in its words."""
    return rank(entry.priority) >= RANK["error"] or bool(ERROR_WORDS.search(entry.message or ""))


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, or the portal's own zone when it is not one."""
    try:
        if name and len(name) <= 64 and "\x00" not in name and ".." not in name:
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    return ZoneInfo(settings.TIME_ZONE)


class _Text(forms.CharField):
    """Text with NUL bytes refused (PostgreSQL and Agiler both choke on them)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and "\x00" in value:
            raise forms.ValidationError("This field cannot contain a NUL character.")


class LogFilterForm(forms.Form):
    window = forms.ChoiceField(choices=WINDOW_CHOICES, required=False, label="Time window")
    start = forms.DateTimeField(
        required=False,
        label="From",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        required=False,
        label="To",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    q = _Text(required=False, max_length=MAX_Q, label="Text")
    priority = forms.ChoiceField(choices=PRIORITY_CHOICES, required=False, label="Priority")
    request_id = _Text(required=False, max_length=100, label="Request id")
    tz = _Text(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The typed dates are the person's wall-clock time in ``tz``, not the server's.
        zone_name = str(self.data.get("tz", "") or "") if self.is_bound else ""
        self.zone = zone(zone_name)
        for name, bound in self.fields.items():
            css = "form-select" if isinstance(bound, forms.ChoiceField) else "form-control"
            bound.widget.attrs.setdefault("class", css)
            bound.widget.attrs.setdefault("id", f"logs-{name}")

    def _clean_moment(self, name: str) -> datetime | None:
        raw: datetime | None = self.cleaned_data.get(name)
        if raw is None:
            return None
        naive = raw.replace(tzinfo=None) if timezone.is_aware(raw) else raw
        return naive.replace(tzinfo=self.zone)

    def clean_start(self) -> datetime | None:
        return self._clean_moment("start")

    def clean_end(self) -> datetime | None:
        return self._clean_moment("end")

    def clean_request_id(self) -> str:
        value = (self.cleaned_data.get("request_id") or "").strip()
        if value and not REQUEST_ID_RE.match(value):
            raise forms.ValidationError("A request id holds only letters, digits and - . _ :")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        window = data.get("window") or ""
        start, end = data.get("start"), data.get("end")
        if window == "custom" or (not window and (start or end)):
            data["window"] = "custom"
            if start is None:
                self.add_error("start", "Give the start of the range.")
            if start and end and start >= end:
                self.add_error("end", "The end must be after the start.")
        elif not window:
            data["window"] = DEFAULT_WINDOW
        return data


@dataclass(frozen=True)
class LogSearch:
    """A valid search: what Agiler is asked, what is filtered here, and how to say it in a URL."""

    window: str = DEFAULT_WINDOW
    start: datetime | None = None
    end: datetime | None = None
    q: str = ""
    priority: str = ""
    request_id: str = ""
    tz: str = ""
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def from_form(cls, form: LogFilterForm) -> LogSearch:
        data = form.cleaned_data
        return cls(
            window=data["window"],
            start=data.get("start"),
            end=data.get("end"),
            q=(data.get("q") or "").strip(),
            priority=data.get("priority") or "",
            request_id=data.get("request_id") or "",
            tz=form.zone.key,
        )

    # -- the window --------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        """Whether the window reaches up to now (a preset, or a range with no end)."""
        return self.window in PRESETS or self.end is None

    @property
    def since(self) -> datetime:
        if self.window in PRESETS:
            return self.now - PRESETS[self.window][1]
        assert self.start is not None
        return self.start

    @property
    def until(self) -> datetime | None:
        return None if self.window in PRESETS else self.end

    def describe_window(self) -> str:
        if self.window in PRESETS:
            return PRESETS[self.window][0]
        tz = zone(self.tz)
        start = timezone.localtime(self.since, tz).strftime("%Y-%m-%d %H:%M")
        if self.until is None:
            return f"From {start} ({tz.key}) until now"
        end = timezone.localtime(self.until, tz).strftime("%Y-%m-%d %H:%M")
        return f"{start} to {end} ({tz.key})"

    # -- filtering here ----------------------------------------------------------------------
    def keep(self) -> Callable[[Any], bool] | None:
        """The filter applied here to what Agiler returns, or None when Agiler's is enough."""
        if not self.priority and not self.request_id:
            return None
        floor = rank(self.priority) if self.priority else -1

        def keep(entry: Any) -> bool:
            if self.request_id and entry.request_id != self.request_id:
                return False
            return rank(entry.priority) >= floor

        return keep

    # -- the URL -----------------------------------------------------------------------------
    def params(self) -> QueryDict:
        """The search as URL parameters (only what differs from the defaults)."""
        query = QueryDict(mutable=True)
        if self.window != DEFAULT_WINDOW:
            query["window"] = self.window
        if self.window == "custom":
            tz = zone(self.tz)
            if self.start:
                query["start"] = timezone.localtime(self.start, tz).strftime("%Y-%m-%dT%H:%M")
            if self.end:
                query["end"] = timezone.localtime(self.end, tz).strftime("%Y-%m-%dT%H:%M")
        for key in ("q", "priority", "request_id", "tz"):
            value = getattr(self, key)
            if value:
                query[key] = value
        return query

    def for_request(self, request_id: str, at: datetime) -> LogSearch:
        """The search narrowed to one request: its id, in a window around its entry's time.
        A request of the last hour may still be logging, so its window stays open (live tail
        possible); an older one gets a closed half-hour window, cheap to scan."""
        tz = zone(self.tz)
        start = timezone.localtime(at - timedelta(minutes=15), tz).replace(second=0)
        end: datetime | None = None
        if self.now - at > RECENT:
            end = timezone.localtime(at + timedelta(minutes=16), tz).replace(second=0)
        return LogSearch(
            window="custom", start=start, end=end, request_id=request_id, tz=self.tz, now=self.now
        )

    def audit_summary(self) -> dict[str, object]:
        """What the audit log records of this search (the window as UTC instants)."""
        summary: dict[str, object] = {"window": self.window, "since": self.since.isoformat()}
        if self.until is not None:
            summary["until"] = self.until.isoformat()
        for key in ("q", "priority", "request_id"):
            if getattr(self, key):
                summary[key] = getattr(self, key)
        return summary


@dataclass
class Found:
    entries: list[Any]
    next_cursor: str | None
    #: the scan budget ran out before a full page matched (more may match further back)
    partial: bool = False


def scan(
    client: AgilerClient,
    project: str,
    search: LogSearch,
    cursor: str | None,
    *,
    want: int = PAGE_SIZE,
    since: datetime | None = None,
    pages: int = SCAN_PAGES,
) -> Found:
    """One page of the search: a single call when Agiler's filters suffice, else a bounded scan
    of whole upstream pages (so the next cursor never skips an entry)."""
    keep = search.keep()
    since = since or search.since
    q = search.q or None
    if keep is None:
        page = client.list_logs(
            project, cursor=cursor, limit=want, since=since, until=search.until, q=q
        )
        return Found(list(page.items), page.next_cursor)
    entries: list[Any] = []
    for _ in range(pages):
        page = client.list_logs(
            project, cursor=cursor, limit=SCAN_LIMIT, since=since, until=search.until, q=q
        )
        entries.extend(entry for entry in page.items if keep(entry))
        cursor = page.next_cursor
        if cursor is None or len(entries) >= want:
            return Found(entries, cursor)
    return Found(entries, cursor, partial=cursor is not None)


def walk(client: AgilerClient, project: str, search: LogSearch, *, limit: int) -> Iterator[Any]:
    """Every entry of the search, newest first, at most ``limit`` (for exports)."""
    keep = search.keep()
    cursor: str | None = None
    sent = 0
    seen: set[str] = set()
    while sent < limit:
        page = client.list_logs(
            project,
            since=search.since,
            until=search.until,
            q=search.q or None,
            cursor=cursor,
            limit=SCAN_LIMIT,
        )
        for entry in page.items:
            if keep is None or keep(entry):
                yield entry
                sent += 1
                if sent >= limit:
                    return
        cursor = page.next_cursor
        if cursor is None or cursor in seen:
            return
        seen.add(cursor)

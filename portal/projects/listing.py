"""The project list's filters and its bounded scan over Agiler's project pages.

Agiler filters projects only by workspace. Region, runtime, status, active and the name search
are applied here, over the upstream pages, but never over *all* of them: one request walks at
most ``SCAN_PAGES`` pages of ``SCAN_LIMIT`` projects from where the previous page stopped, and
stops early once a page of matches is full. An account of 10,000 projects therefore costs a
bounded number of upstream calls per click; when the budget runs out first, the page says how
far it searched and offers to continue from there.

A position in the listing is an upstream cursor (the start of an upstream page; "" for the
first) plus how many of that page's projects were already shown (``skip``): a page of matches
often fills in the middle of an upstream page, and the upstream cursor cannot point there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

from django.utils.text import capfirst

from portal.lib.inputs import ascii_int

#: Matches per portal page.
PAGE_SIZE = 25
#: Upstream page size while filtering in the portal: Agiler's maximum (more is a 400).
SCAN_LIMIT = 200
#: Upstream pages one request may read while filtering: 2,000 projects.
SCAN_PAGES = 10
#: Project statuses offered by the filter (Agiler's list is unconfirmed; see agiler-facts.md),
#: with the restore phases the portal shows on a project's home.
STATUSES: tuple[tuple[str, str], ...] = (
    ("running", "Running"),
    ("stopped", "Stopped"),
    ("building", "Building"),
    ("draining", "Draining"),
    ("restoring", "Restoring"),
)
ACTIVE_CHOICES: tuple[tuple[str, str], ...] = (("yes", "Active"), ("no", "Inactive"))
#: How a status reads as a badge (Tabler colour class, words); any other status is grey, in its
#: own words. templates/projects/_status_badge.html is the markup.
STATUS_BADGES: dict[str, tuple[str, str]] = {
    "running": ("bg-green-lt", "Running"),
    "stopped": ("bg-secondary-lt", "Stopped"),
    "building": ("bg-blue-lt", "Building"),
    "restoring": ("bg-yellow-lt", "Restoring"),
}
MAX_QUERY = 100


def status_badge(status: str) -> tuple[str, str]:
    """(colour class, words) of the badge for a project ``status`` (see ``STATUS_BADGES``)."""
    return STATUS_BADGES.get(status) or ("bg-secondary-lt", capfirst(status))


@dataclass(frozen=True)
class ProjectFilters:
    """What the list is narrowed to. Only ``workspace`` is sent to Agiler."""

    workspace: str = ""
    region: str = ""
    runtime: str = ""
    status: str = ""
    active: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> ProjectFilters:
        """Filters from the URL; values the list cannot mean are dropped, not errors."""

        def text(name: str, limit: int = 64) -> str:
            return str(query.get(name, "") or "").strip()[:limit]

        status = text("status")
        active = text("active")
        return cls(
            workspace=text("workspace"),
            region=text("region"),
            runtime=text("runtime"),
            status=status if status in dict(STATUSES) else "",
            active=active if active in dict(ACTIVE_CHOICES) else "",
            q=text("q", MAX_QUERY),
        )

    @property
    def local(self) -> bool:
        """Whether any filter has to be applied in the portal (a bounded scan)."""
        return bool(self.region or self.runtime or self.status or self.active or self.q)

    @property
    def any(self) -> bool:
        """Whether the list is narrowed at all."""
        return bool(self.workspace) or self.local

    def matches(self, project: Any) -> bool:
        """Whether ``project`` (a ProjectSummary) passes every portal-side filter."""
        if self.region and project.region != self.region:
            return False
        if self.runtime and project.runtime != self.runtime:
            return False
        if self.status and project.status != self.status:
            return False
        if self.active and project.active != (self.active == "yes"):
            return False
        return not self.q or self.q.casefold() in project.name.casefold()

    def params(self) -> dict[str, str]:
        """The filters in use, as URL parameters."""
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Position:
    """Where a page starts: an upstream cursor ("" = the beginning) and projects to skip."""

    cursor: str = ""
    skip: int = 0

    def encode(self) -> str:
        """One string for the "Previous" trail in the URL: ``<skip>:<cursor>``."""
        return f"{self.skip}:{self.cursor}" if (self.cursor or self.skip) else ""

    @classmethod
    def decode(cls, value: str) -> Position:
        """The inverse of ``encode``; anything malformed is the first page."""
        skip, sep, cursor = value.partition(":")
        number = ascii_int(skip)
        if not sep or number is None:
            return cls()
        return cls(cursor=cursor, skip=min(number, SCAN_LIMIT))

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> Position:
        """The position in the URL's ``cursor`` and ``skip``."""
        skip = ascii_int(query.get("skip"))
        return cls(
            cursor=str(query.get("cursor", "") or "").strip(),
            skip=min(skip, SCAN_LIMIT) if skip is not None else 0,
        )


@dataclass
class ScanResult:
    """One page of matches and where the next one starts (None: the listing is done)."""

    items: list[Any] = field(default_factory=list)
    next: Position | None = None
    #: projects examined (after the skipped ones) and upstream pages read
    scanned: int = 0
    pages: int = 0

    @property
    def budget_spent(self) -> bool:
        """Whether the scan stopped on its budget with the page not yet full."""
        return self.next is not None and len(self.items) < PAGE_SIZE


def scan(client: AgilerClient, filters: ProjectFilters, start: Position) -> ScanResult:
    """Read upstream pages from ``start`` until a page of matches is full or the budget is spent.

    Without portal-side filters this is exactly one upstream page of ``PAGE_SIZE``.
    """
    limit = SCAN_LIMIT if filters.local else PAGE_SIZE
    budget = SCAN_PAGES if filters.local else 1
    result = ScanResult()
    cursor, skip = start.cursor, start.skip
    while result.pages < budget:
        page = client.list_projects(
            workspace_id=filters.workspace or None, cursor=cursor or None, limit=limit
        )
        result.pages += 1
        found = _collect(page.items, skip, filters, result)
        if found is not None:  # the page of matches filled up inside this upstream page
            if found < len(page.items):
                result.next = Position(cursor, found)
            elif page.next_cursor:
                result.next = Position(page.next_cursor)
            return result
        if not page.next_cursor:
            return result
        cursor, skip = page.next_cursor, 0
    result.next = Position(cursor, 0)
    return result


def _collect(
    items: Iterable[Any], skip: int, filters: ProjectFilters, result: ScanResult
) -> int | None:
    """Add the matches among ``items[skip:]``; the index after the one that filled the page."""
    for index, project in enumerate(items):
        if index < skip:
            continue
        result.scanned += 1
        if filters.matches(project):
            result.items.append(project)
            if len(result.items) == PAGE_SIZE:
                return index + 1
    return None

"""Cursor pages with a way back: the one pager every list uses.

Agiler pages with an opaque cursor (``Link: rel="next"``) and offers no "previous". The URL keeps
the trail of earlier cursors (``prev``, "" for the first page), so Previous, First and the
browser's Back button all work and a page can be bookmarked. The trail is capped: past
``MAX_TRAIL`` pages, First remains.

    trail = CursorTrail.from_request(request)
    page = client.list_backups(project, cursor=trail.cursor, limit=50)
    pager = trail.pager(page.next_cursor, url=lambda query: f"{base}?{query}")

and in the template
``{% include "components/pager.html" with pager=pager target="#backups-table" %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, QueryDict

#: How many earlier cursors the URL remembers for "Previous"; past that, "First" remains.
MAX_TRAIL = 50
#: A cursor is an opaque token from Agiler; anything longer is not one of its cursors.
MAX_CURSOR_LENGTH = 512


def _clean(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_CURSOR_LENGTH or "\x00" in value:
        return ""
    return value


@dataclass(frozen=True)
class Pager:
    """What the pager component shows: links (empty when there is none) and the page number."""

    number: int
    first_url: str
    prev_url: str
    next_url: str
    prev_label: str = "← Previous"
    next_label: str = "Next →"
    label: str = "Pages"

    @property
    def shown(self) -> bool:
        return bool(self.prev_url or self.next_url)


@dataclass(frozen=True)
class CursorTrail:
    """The cursor of the page asked for and the cursors of the pages before it."""

    cursor: str | None
    trail: tuple[str, ...] = ()

    @classmethod
    def from_request(
        cls, request: HttpRequest, *, param: str = "cursor", prev_param: str = "prev"
    ) -> CursorTrail:
        cursor = _clean(request.GET.get(param, "")) or None
        trail = tuple(_clean(c) for c in request.GET.getlist(prev_param)) if cursor else ()
        return cls(cursor=cursor, trail=trail[-MAX_TRAIL:])

    @property
    def number(self) -> int:
        return len(self.trail) + 1 if self.cursor else 1

    def query(self, cursor: str | None, trail: tuple[str, ...] | list[str]) -> QueryDict:
        """The pager's part of a URL query for the page at ``cursor`` after ``trail``."""
        query = QueryDict(mutable=True)
        if cursor:
            query["cursor"] = cursor
            query.setlist("prev", list(trail)[-MAX_TRAIL:])
        return query

    def pager(
        self,
        next_cursor: str | None,
        *,
        url: Callable[[QueryDict], str],
        prev_label: str = "← Previous",
        next_label: str = "Next →",
        label: str = "Pages",
    ) -> Pager:
        """Links to the first, previous and next pages. ``url`` turns the pager's query into
        a whole URL (the view adds its own filters to the query it is given)."""
        following = [*self.trail, self.cursor or ""]
        back = self.trail[-1] if self.trail else None
        return Pager(
            number=self.number,
            first_url=url(self.query(None, ())) if len(self.trail) > 1 else "",
            prev_url=url(self.query(back, self.trail[:-1])) if self.cursor else "",
            next_url=url(self.query(next_cursor, following)) if next_cursor else "",
            prev_label=prev_label,
            next_label=next_label,
            label=label,
        )


def with_query(base: str, query: QueryDict) -> str:
    """``base`` with ``query`` appended (no ``?`` when the query is empty)."""
    encoded = query.urlencode()
    return f"{base}?{encoded}" if encoded else base

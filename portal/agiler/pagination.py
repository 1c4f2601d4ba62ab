"""Cursor pagination: a page of typed items plus the cursor of the next page.

Agiler puts the next page only in ``Link: <…?cursor=…>; rel="next"``; the body is the bare array.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import httpx

from .errors import AgilerResponseError

__all__ = ["Page", "next_cursor_from"]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list operation. Iterate it for its items; ``next_cursor`` is None on the
    last page. Use ``AgilerClient.paginate`` to walk every page lazily."""

    items: Sequence[T]
    next_cursor: str | None = None
    request_id: str | None = field(default=None, compare=False)

    @property
    def has_next(self) -> bool:
        """True when another page exists."""
        return self.next_cursor is not None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def next_cursor_from(response: httpx.Response, *, operation: str) -> str | None:
    """Return the ``cursor`` query parameter of the response's ``rel="next"`` link, if any."""
    if "link" not in response.headers:
        return None
    try:
        links = response.links
    except Exception:  # httpx's parser is lenient, but never let a header crash a page
        links = {}
    link = links.get("next")
    if link is None:
        return None
    url = link.get("url", "")
    cursor: str | None
    try:
        cursor = httpx.URL(url).params.get("cursor")
    except httpx.InvalidURL:
        cursor = None
    if not cursor:
        raise AgilerResponseError(
            f'Agiler\'s answer to {operation} has a rel="next" link without a cursor.',
            status=response.status_code,
            code="invalid_response",
            operation=operation,
        )
    return cursor

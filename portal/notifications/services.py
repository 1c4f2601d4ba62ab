"""The unread count behind the header indicator, cached briefly per user.

Every page asks for the indicator, so the count is cached for ``COUNT_TTL`` seconds (keyed by
user) and forgotten when the person dismisses one. Agiler has no read/unread flag: a notification
is "unread" until dismissed, so the count is of the notifications listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

COUNT_TTL = 60  # seconds
#: Counted exactly up to this many (one upstream page); beyond, the badge says "99+".
COUNT_CAP = 99

#: priority → (Tabler badge class, order: most urgent first)
PRIORITIES: dict[str, tuple[str, int]] = {
    "critical": ("bg-red text-red-fg", 0),
    "high": ("bg-orange text-orange-fg", 1),
    "normal": ("bg-blue-lt", 2),
    "low": ("bg-secondary-lt", 3),
}


@dataclass(frozen=True)
class UnreadCount:
    """How many notifications wait, whether there are more than counted, the most urgent."""

    count: int
    more: bool
    urgent: bool

    @property
    def label(self) -> str:
        """The badge text: "3", or "99+" past the cap."""
        return f"{COUNT_CAP}+" if self.more or self.count > COUNT_CAP else str(self.count)


def _key(user: Any) -> str:
    return f"portal:notifications-count:{user.pk}"


def unread_count(user: Any, client: AgilerClient) -> UnreadCount:
    """The count for ``user`` from the cache, or one page of ``GET /users/me/notifications``."""
    cached = cache.get(_key(user))
    if cached is not None:
        return UnreadCount(*cached)
    page = client.list_notifications(limit=COUNT_CAP + 1)
    urgent = any(n.priority in ("critical", "high") for n in page.items)
    result = UnreadCount(len(page.items), page.next_cursor is not None, urgent)
    cache.set(_key(user), (result.count, result.more, result.urgent), COUNT_TTL)
    return result


def forget_count(user: Any) -> None:
    """Drop the cached count (after a dismissal)."""
    cache.delete(_key(user))


def badge_class(priority: str) -> str:
    """The badge style of a priority (unknown priorities look like "normal")."""
    return PRIORITIES.get(priority, PRIORITIES["normal"])[0]

"""The main navigation, filtered by the role matrix.

Items whose URL does not exist yet (a feature not built) are skipped, so the menu never offers a
dead link.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str
    #: the first path segment that marks the item active
    section: str


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "core:home", "home.view", ""),
    NavItem("Projects", "projects:list", "projects.read", "projects"),
    NavItem("Workspaces", "workspaces:list", "workspaces.read", "workspaces"),
    NavItem("Billing", "billing:overview", "billing.read", "billing"),
    NavItem("Audit log", "audit:list", "audit.read_own", "audit"),
    NavItem("People", "accounts:users", "users.manage", "accounts/people"),
)


def nav_for(request: HttpRequest) -> list[dict[str, object]]:
    """Return the navigation entries this request's user may open."""
    # Error pages can be rendered before AuthenticationMiddleware ran (a refused Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    active = _active_sections(request.path)
    items = []
    for item in NAV_ITEMS:
        if not user.can(item.action):
            continue
        url = _url(item.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if url is None:
            continue
        items.append({"label": item.label, "url": url, "active": item.section in active})
    return items


def nav_key(request: HttpRequest) -> tuple[object, ...]:
    """Everything ``nav_for`` depends on besides the URLconf: who may see which items (the
    role; an inactive person none) and which item is active. The layout renders the
    navigation once per process for each key (``{% memo %}``), not on every request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return (None,)
    return (user.role, user.is_active, _active_sections(request.path))


def _active_sections(path: str) -> tuple[str, ...]:
    """The sections of ``NAV_ITEMS`` that ``path`` is in."""
    path = path.strip("/")
    section = path.split("/", 1)[0]
    # A section with a slash ("accounts/people") marks the item active by path prefix.
    return tuple(
        item.section
        for item in NAV_ITEMS
        if (
            (path + "/").startswith(item.section + "/")
            if "/" in item.section
            else section == item.section
        )
    )


@lru_cache(maxsize=64)
def _url(url_name: str, script_prefix: str, urlconf: str | None) -> str | None:
    """``reverse(url_name)``, or None when the feature is not built; once per process.

    ``reverse`` is slow and every page's layout asks for the same six URLs: the answer only
    changes with the script prefix and the URLconf (a test may override it), which are the key.
    """
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None

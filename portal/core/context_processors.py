from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from portal.core.navigation import nav_for


def portal(request: HttpRequest) -> dict[str, object]:
    """Navigation and product facts every page layout needs."""
    return {
        "nav_items": nav_for(request),
        "portal_version": settings.PORTAL_VERSION,
        "portal_demo": settings.DEBUG,
    }

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.http import HttpRequest

from portal.core.navigation import nav_for, nav_key


def portal(request: HttpRequest) -> dict[str, object]:
    """Navigation and product facts every page layout needs."""
    return {
        # Worked out only when the layout's remembered navigation for this key is missing
        # (a template calls a callable value when it reads it).
        "nav_items": partial(nav_for, request),
        "nav_key": nav_key(request),
        "portal_version": settings.PORTAL_VERSION,
        "portal_demo": settings.DEBUG,
    }

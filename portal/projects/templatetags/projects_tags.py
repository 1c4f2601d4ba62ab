"""Template helpers for project pages: ``{% load projects_tags %}``."""

from __future__ import annotations

from django import template

from portal.projects.listing import status_badge as badge_for

register = template.Library()


@register.filter
def status_badge(status: str) -> tuple[str, str]:
    """``{% with badge=project.status|status_badge %}``: (colour class, words) of the badge."""
    return badge_for(str(status))

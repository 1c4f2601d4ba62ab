"""Template helpers shared by every page (registered as builtins in settings)."""

from __future__ import annotations

from typing import Any

from django import template

from portal.accounts.roles import role_allows

register = template.Library()


@register.filter
def can(user: Any, action: str) -> bool:
    """``{% if request.user|can:"backups.restore" %}`` — the role matrix, as views use it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return role_allows(getattr(user, "role", None), action)


@register.filter
def human_bytes(value: Any) -> str:
    """Format a byte count with binary units: 1536 → "1.5 KiB"."""
    try:
        size = float(value)
    except (TypeError, ValueError):
        return "—"
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    index = 0
    while abs(size) >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    if index == 0:
        return f"{int(size)} B"
    return f"{size:.1f} {units[index]}"

"""``{% restore_banner project %}``: the restore-in-progress banner for any project page;
``backup|backup_in_progress``: whether a backup is still being taken.

    {% load backups_tags %}{% restore_banner project %}

``project`` is the ProjectDetail the page already read from Agiler (its ``status`` tells
whether a restore runs); the banner then polls ``backups:restores`` until the project is back.
"""

from __future__ import annotations

from typing import Any

from django import template

from portal.backups.restores import restore_banner as banner_for
from portal.backups.services import in_progress

register = template.Library()


@register.inclusion_tag("backups/restore_banner.html")
def restore_banner(project: Any) -> dict[str, Any]:
    """The banner's context for ``project`` (empty, with a stable id, when nothing runs)."""
    return {"banner": banner_for(project, watching=False)}


@register.filter
def backup_in_progress(backup: Any) -> bool:
    """Whether ``backup`` is still being taken (the one status set, portal.backups.services):
    its row polls and offers no actions until it has finished."""
    return in_progress(backup)

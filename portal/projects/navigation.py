"""Links from a project's home to its areas, offered only once the area's page exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from portal.accounts.models import User


@dataclass(frozen=True)
class Area:
    label: str
    url_name: str
    action: str


#: Every per-project area, in menu order. URL names follow "<area>:list" with a ``project`` kwarg.
AREAS: tuple[Area, ...] = (
    Area("Backups", "backups:list", "backups.read"),
    Area("Domains", "domains:list", "projects.read"),
    Area("Rules", "rules:list", "projects.read"),
    Area("Variables", "variables:list", "projects.read"),
    Area("Files", "files:browse", "files.read"),
    Area("Logs", "logs:list", "projects.read"),
    Area("SQL", "sql:console", "sql.execute"),
    Area("Usage", "usage:project", "usage.read"),
)


def areas_for(user: User, project_id: str) -> list[dict[str, str]]:
    """The areas ``user`` may open for this project whose pages are built."""
    links = []
    for area in AREAS:
        if not user.can(area.action):
            continue
        try:
            url = reverse(area.url_name, kwargs={"project": project_id})
        except NoReverseMatch:
            continue
        links.append({"label": area.label, "url": url})
    return links

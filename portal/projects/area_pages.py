"""What the pages of a project's areas (backups, domains, rules, variables, SQL, logs, usage)
have in common, written once so that the areas cannot drift apart."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def area_crumbs(
    project: Any, area: str, area_url: str, *tail: tuple[str, str]
) -> list[dict[str, str]]:
    """Projects › <project> › <area> › *tail (label, url) for the breadcrumbs component.

    The area links to its page only when something follows it: on its own page it is where
    the person already is, and the component shows an unlinked crumb as the current page."""
    trail = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": area, "url": area_url if tail else ""},
    ]
    return trail + [{"label": label, "url": url} for label, url in tail]

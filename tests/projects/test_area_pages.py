"""Every area of a project reads the same way in the breadcrumbs: Projects › the project › the
area, the area itself unlinked on its own page and linked from the pages under it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.helpers import a_project, client_for

AREA_PAGES = [
    ("backups:list", "Backups"),
    ("domains:list", "Domains"),
    ("rules:list", "Rules"),
    ("variables:list", "Variables"),
    ("sql:console", "SQL console"),
    ("logs:list", "Logs"),
    ("usage:project", "Usage"),
]


def _trail(body: str) -> list[tuple[str, str]]:
    """(label, href or "") of each crumb after Home."""
    nav = body.split('<nav aria-label="Breadcrumb">', 1)[1].split("</nav>", 1)[0]
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', nav, re.S)
    crumbs = []
    for item in items[1:]:
        link = re.match(r'<a href="([^"]*)">(.*)</a>', item.strip())
        crumbs.append((link.group(2), link.group(1)) if link else (item.strip(), ""))
    return crumbs


@pytest.mark.parametrize(("url_name", "area"), AREA_PAGES)
def test_an_area_page_is_reached_from_projects_and_its_project(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, url_name: str, area: str
) -> None:
    project = a_project(sandbox)
    body = client_for(tokened_cast["operator"]).get(reverse(url_name, args=[project.id]))
    assert _trail(body.content.decode()) == [
        ("Projects", reverse("projects:list")),
        (project.name, reverse("projects:detail", args=[project.id])),
        (area, ""),
    ]


def test_a_page_under_an_area_links_back_to_the_area(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project: Any = a_project(sandbox)
    body = client_for(tokened_cast["operator"]).get(reverse("domains:add", args=[project.id]))
    assert _trail(body.content.decode())[2:] == [
        ("Domains", reverse("domains:list", args=[project.id])),
        ("Add", ""),
    ]

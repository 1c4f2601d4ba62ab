"""The project home links to the project's audit trail, and the trail shows what was done."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.helpers import client_for


def audit_link(body: str, testid: str = "audit-trail") -> str:
    """The href of the audit-trail link marked ``testid``."""
    tag = re.search(rf'<a [^>]*data-testid="{testid}"[^>]*>', body)
    assert tag, f"no {testid} link on the page"
    href = re.search(r'href="([^"]+)"', tag.group(0))
    assert href
    return html.unescape(href.group(1))


def test_project_home_links_to_the_audit_trail_of_that_project(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = sandbox.inspect.first_project()
    body = (
        client_for(tokened_cast["support"])
        .get(reverse("projects:detail", args=[project.id]))
        .content.decode()
    )
    url = urlparse(audit_link(body))
    assert url.path == reverse("audit:list")
    assert parse_qs(url.query) == {"target_type": ["project"], "target": [project.id]}


def test_following_the_link_as_admin_after_a_change_shows_that_change_only(
    tokened_cast, sandbox
) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(tokened_cast["admin"])
    changed, other = sandbox.inspect.projects()[:2]
    for project in (changed, other):
        response = admin.post(
            reverse("projects:active", args=[project.id]),
            {"idempotency_key": str(uuid.uuid4()), "active": str(not project.active).lower()},
        )
        assert response.status_code == 302

    home = admin.get(reverse("projects:detail", args=[changed.id])).content.decode()
    trail = admin.get(audit_link(home)).content.decode()
    rows = trail.split('data-testid="audit-row"')[1:]
    assert [re.search(r'data-action="([^"]+)"', row).group(1) for row in rows[:1]] == [  # type: ignore[union-attr]
        "projects.update"
    ]
    assert len(rows) == 1
    assert changed.name in rows[0] and other.name not in "".join(rows)


def test_the_link_is_in_the_htmx_fragment_too(tokened_cast, sandbox: Any) -> None:  # type: ignore[no-untyped-def]
    project = sandbox.inspect.first_project()
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:detail", args=[project.id]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "<html" not in body and project.id in audit_link(body)

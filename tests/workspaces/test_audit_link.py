"""The workspace page links to the audit trail of that workspace."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.conftest import client_for
from tests.workspaces.conftest import first_workspace


def audit_link(body: str) -> str:
    tag = re.search(r'<a [^>]*data-testid="audit-trail"[^>]*>', body)
    assert tag, "no audit-trail link on the page"
    return html.unescape(re.search(r'href="([^"]+)"', tag.group(0)).group(1))  # type: ignore[union-attr]


def test_workspace_page_links_to_the_audit_trail_of_that_workspace(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    ws = first_workspace(sandbox)
    body = (
        client_for(tokened_cast["support"])
        .get(reverse("workspaces:detail", args=[ws]))
        .content.decode()
    )
    url = urlparse(audit_link(body))
    assert url.path == reverse("audit:list")
    # Everything done in the workspace, not only events that target the workspace itself.
    assert parse_qs(url.query) == {"workspace": [ws]}


def test_following_it_as_admin_after_a_members_export_shows_that_export_only(
    tokened_cast, sandbox
) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(tokened_cast["admin"])
    ws, other = first_workspace(sandbox), first_workspace(sandbox, "Globex Shop")
    for workspace in (ws, other):
        export = admin.get(reverse("workspaces:members_export", args=[workspace]))
        assert export.status_code == 200 and b"".join(export.streaming_content)
    page = admin.get(reverse("workspaces:detail", args=[ws])).content.decode()
    trail = admin.get(audit_link(page)).content.decode()
    rows = trail.split('data-testid="audit-row"')[1:]
    assert len(rows) == 1 and "<code>workspaces.members_export</code>" in rows[0]
    assert "Acme Marketing" in rows[0] and "Globex Shop" not in trail


def test_the_workspace_trail_includes_projects_created_in_it(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Creating a project in the workspace shows on the workspace's trail."""
    from portal.tokens.service import agiler_for

    ws = first_workspace(sandbox)
    admin_user = tokened_cast["admin"]
    agiler_for(admin_user).create_project(
        name="trail-site", region="eu-central-1", runtime="php-8.3", workspace_id=ws
    )
    admin = client_for(admin_user)
    page = admin.get(reverse("workspaces:detail", args=[ws])).content.decode()
    trail = admin.get(audit_link(page)).content.decode()
    assert "trail-site" in trail and "projects.create" in trail

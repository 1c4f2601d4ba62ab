"""A backup's history page links to the audit trail of that backup."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.helpers import a_project, client_for


def test_backup_page_links_to_the_audit_trail_of_that_backup(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id, limit=1).items[0]
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("backups:detail", args=[project.id, backup.id]))
        .content.decode()
    )
    tag = re.search(r'<a [^>]*data-testid="audit-trail"[^>]*>', body)
    assert tag
    href = re.search(r'href="([^"]+)"', tag.group(0))
    assert href
    url = urlparse(html.unescape(href.group(1)))
    assert url.path == reverse("audit:list")
    assert parse_qs(url.query) == {
        "target_type": ["backup"],
        "target": [backup.id],
        "project": [project.id],
    }

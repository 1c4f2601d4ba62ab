"""The budget page links to the history of billing-profile changes."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.helpers import client_for


def audit_link(body: str) -> str:
    tag = re.search(r'<a [^>]*data-testid="audit-trail"[^>]*>', body)
    assert tag, "no audit-trail link on the page"
    return html.unescape(re.search(r'href="([^"]+)"', tag.group(0)).group(1))  # type: ignore[union-attr]


def test_budget_page_links_to_the_billing_profile_audit_trail(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = client_for(fin).get(reverse("billing:budget")).content.decode()
    url = urlparse(audit_link(body))
    assert url.path == reverse("audit:list")
    # update_billing has no id (one profile per account): the type alone is the object.
    assert parse_qs(url.query) == {"target_type": ["billing_profile"]}


def test_following_it_after_a_budget_change_shows_that_change(tokened_cast, fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fin)
    body = client.get(reverse("billing:budget")).content.decode()
    values = dict(re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', body))
    values.pop("csrfmiddlewaretoken", None)
    values["monthly_budget"] = "321.00"
    assert client.post(reverse("billing:budget"), values).status_code == 302
    for viewer in (fin, tokened_cast["admin"]):
        trail = client_for(viewer).get(audit_link(body)).content.decode()
        rows = trail.split('data-testid="audit-row"')[1:]
        assert len(rows) == 1 and 'data-action="billing.update"' in rows[0]

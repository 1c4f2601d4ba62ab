"""Rule rows and the rule builder link to the audit trail of that rule."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.helpers import client_for


def audit_links(body: str, testid: str) -> list[str]:
    tags = re.findall(rf'<a [^>]*data-testid="{testid}"[^>]*>', body)
    return [html.unescape(re.search(r'href="([^"]+)"', tag).group(1)) for tag in tags]  # type: ignore[union-attr]


def event_actions(audit_page: str) -> list[str]:
    """The action of every event row on the audit page, top to bottom."""
    rows = audit_page.split('data-testid="audit-row"')[1:]
    return [re.search(r'data-action="([^"]+)"', row).group(1) for row in rows]  # type: ignore[union-attr]


def filtered_to(url: str) -> dict[str, list[str]]:
    parsed = urlparse(url)
    assert parsed.path == reverse("audit:list")
    return parse_qs(parsed.query)


def test_every_rule_row_links_to_its_own_audit_trail(tokened_cast, project_id, direct) -> None:  # type: ignore[no-untyped-def]
    rules = direct.list_rules(project_id).items
    for role in ("operator", "support"):  # the writable row and the read-only one
        body = (
            client_for(tokened_cast[role])
            .get(reverse("rules:list", args=[project_id]))
            .content.decode()
        )
        links = [filtered_to(url) for url in audit_links(body, "rule-audit-trail")]
        assert links == [
            {"target_type": ["rule"], "target": [rule.id], "project": [project_id]}
            for rule in rules
        ]


def test_rule_builder_of_a_saved_rule_links_to_its_audit_trail(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    rule = direct.list_rules(project_id).items[0]
    client = client_for(tokened_cast["operator"])
    body = client.get(reverse("rules:edit", args=[project_id, rule.id])).content.decode()
    (link,) = audit_links(body, "audit-trail")
    assert filtered_to(link) == {
        "target_type": ["rule"],
        "target": [rule.id],
        "project": [project_id],
    }
    # A rule not yet saved has no history to link to.
    new = client.get(reverse("rules:new", args=[project_id])).content.decode()
    assert audit_links(new, "audit-trail") == []


def test_following_a_rule_row_link_as_admin_after_turning_it_off_shows_that_change(
    tokened_cast, project_id, direct
) -> None:  # type: ignore[no-untyped-def]
    changed, untouched = direct.list_rules(project_id).items[:2]
    admin = client_for(tokened_cast["admin"])
    for rule in (changed, untouched):
        admin.post(
            reverse("rules:active", args=[project_id, rule.id]), {"idempotency_key": rule.id}
        )
    body = admin.get(reverse("rules:list", args=[project_id])).content.decode()
    link = next(url for url in audit_links(body, "rule-audit-trail") if changed.id in url)
    trail = admin.get(link).content.decode()
    assert event_actions(trail) == ["rules.update"]
    assert untouched.id not in trail

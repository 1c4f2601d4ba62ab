"""Every action the portal records can be found with the audit page's action filter."""

from __future__ import annotations

import re
from pathlib import Path

from portal.audit.actions import OPERATIONS, PORTAL_ACTIONS

PORTAL = Path(__file__).resolve().parents[2] / "portal"
RECORDED = re.compile(r"""\baction\s*=\s*["']([a-z_]+\.[a-z_.]+)["']""")


def test_every_recorded_action_is_in_the_filter_catalog() -> None:
    known = set(PORTAL_ACTIONS) | {spec.action for spec in OPERATIONS.values()}
    used = {
        match
        for path in PORTAL.rglob("*.py")
        if "/sandbox/" not in str(path)
        for match in RECORDED.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no record(action=...) calls at all"
    assert sorted(used - known) == []


def test_the_audit_docs_name_every_portal_action_as_recorded() -> None:
    docs = (PORTAL.parent / "docs" / "audit.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", docs))
    assert sorted(set(PORTAL_ACTIONS) - named) == []
    # names the code never records (e.g. the old ``auth.mfa_enrolled``) must not be documented
    auth_like = {name for name in named if name.startswith(("auth.", "mfa.", "users.", "tokens."))}
    assert sorted(auth_like - set(PORTAL_ACTIONS)) == []

"""Every page each role can open, as the browser tests walk it, and the axe-core audit.

The list is derived from ``tests/url_matrix.py`` (the access spec), with the ``{placeholder}``
kwargs filled from the running sandbox: a page added there is audited here without edits.
Downloads and exports are not pages; only GET pages that answer 200 are visited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from django.urls import reverse

from tests.helpers import OWNER
from tests.url_matrix import PUBLIC, URL_RULES

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
ROLES = ("admin", "operator", "finance", "support")
#: answers that are not pages a person reads: files, health checks, sign-in, fragments
NOT_PAGES = {
    "core:healthz",
    "core:readyz",
    "accounts:login",
    "accounts:login_verify",
    "notifications:indicator",
}
#: files served as themselves (downloads, exports, a raw image preview) are not pages: they carry
#: a sandboxing CSP in which no script runs, axe-core included
NOT_PAGE_WORDS = ("export", "download", "raw")
#: url_matrix names the unit tests' users; the browser tests have the seeded demo users
E2E_VALUES = {"username": "operator"}


def sample_ids(sandbox: str) -> dict[str, str]:
    """Real ids from the running sandbox for the url_matrix placeholders."""
    with httpx.Client(base_url=sandbox, headers=OWNER, timeout=10) as client:
        workspace = client.get("/workspaces", params={"limit": 1}).json()[0]["id"]
        project = client.get("/projects", params={"limit": 1}).json()[0]["id"]
        ids = {"workspace": workspace, "project": project}
        backups = client.get(f"/projects/{project}/backups", params={"limit": 1}).json()
        if backups:
            ids["backup"] = backups[0]["id"]
        rules = client.get(f"/projects/{project}/rules").json()
        if rules:
            ids["rule"] = rules[0]["id"]
        statements = client.get(f"/projects/{project}/sql/statements").json()
        finished = [s for s in statements if s.get("status") == "success"]
        if finished:
            ids["statement"] = finished[0]["id"]
        for key, path in (("domain", "domains"), ("variable", "variables")):
            found = client.get(f"/projects/{project}/{path}").json()
            if found:
                ids[key] = found[0]["id"]
    return ids


def pages_for(role: str, ids: dict[str, str]) -> list[str]:
    """The paths of every GET page ``role`` may open."""
    paths = []
    for rule in URL_RULES:
        if rule.ok_status != 200 or rule.name in NOT_PAGES:
            continue
        if any(word in rule.name for word in NOT_PAGE_WORDS):
            continue
        if rule.allowed != PUBLIC and role not in rule.allowed:
            continue
        if not all(v[1:-1] in ids for v in rule.kwargs.values() if v.startswith("{")):
            continue  # nothing of that kind in the sandbox to open
        kwargs = {
            key: ids[value[1:-1]] if value.startswith("{") else E2E_VALUES.get(key, value)
            for key, value in rule.kwargs.items()
        }
        paths.append(reverse(rule.name, kwargs=kwargs))
    return paths


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:  # type: ignore[type-arg]
    """Run axe-core on the page as it is now; the violations of the given impacts.

    Injected through page.evaluate: the portal's CSP would block a <script> tag."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),"
        " summary: n.failureSummary}))}))"
    )
    return [violation for violation in result if violation["impact"] in impacts]

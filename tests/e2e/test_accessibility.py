"""axe-core on every page for every role: no serious or critical accessibility violation."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from playwright.sync_api import Page

from tests.e2e.pages import ROLES, axe_violations, pages_for, sample_ids
from tests.helpers import ARTIFACTS, login


def test_axe_finds_no_serious_or_critical_violation_on_any_page_for_any_role(
    page: Page, base_url: str, live_servers: dict[str, str]
) -> None:
    ids = sample_ids(live_servers["sandbox"])
    found: dict[str, list[str]] = defaultdict(list)
    visited = 0
    for role in ROLES:
        page.context.clear_cookies()
        login(page, base_url, role)
        page.wait_for_url(f"{base_url}/")
        paths = pages_for(role, ids)
        # The audit detail of a real event (url_matrix asks for a missing one).
        page.goto(f"{base_url}/audit/")
        paths.append(page.get_by_test_id("event-link").first.get_attribute("href") or "")
        for path in paths:
            response = page.goto(f"{base_url}{path}")
            assert response is not None and response.status == 200, f"{role} {path}"
            if not (response.headers.get("content-type") or "").startswith("text/html"):
                continue  # a file the browser shows as itself (no script may run in it)
            page.wait_for_load_state("networkidle")
            visited += 1
            for violation in axe_violations(page):
                for node in violation["nodes"]:
                    # Grouped by rule and element kind, so one CSS fault reads as one line.
                    kind = re.sub(r">[^<]*$", ">", node["html"][:100])
                    found[f"{violation['id']} ({violation['impact']}) {kind}"].append(
                        f"{role} {path} {node['target']} :: {(node['summary'] or '')[:200]}"
                    )
    assert visited > 40
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(found, indent=1))
    report = "\n".join(
        f"{len(where)}× {rule}\n    " + "\n    ".join(where[:2]) for rule, where in found.items()
    )
    assert not found, f"axe-core violations on {visited} pages:\n{report}"

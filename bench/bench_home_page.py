"""Benchmark: the admin home page's cards with 100 ms of injected upstream latency per call.

The cards need four independent calls (projects, billing, workspaces, notifications), then one
backup list per shown project (4, which depend on the project list). Concurrently that is about
two round trips; one after the other, eight. The sandbox is served over real HTTP on 127.0.0.1
with a latency fault on every call; the portal runs in-process (Django test client, SQLite in a
temporary folder). Prints a Markdown table.

    .venv/bin/python bench/bench_home_page.py [--runs 10] [--latency-ms 100]
"""

from __future__ import annotations

import _page_harness as harness


def main() -> None:
    args = harness.parse_args()
    portal = harness.start_portal(role="admin", token="ak_sandbox_owner")
    from agiler_sandbox import FaultRule
    from portal.core import home

    # /users/me is answered from the scope cache after the warm-up; everything else is slowed.
    portal.app.faults.add(
        FaultRule(path=r"^/v1/(projects|workspaces|users/me/)", latency_ms=args.latency_ms)
    )
    results = harness.time_concurrent_and_sequential(
        module=home,
        get=lambda: portal.client.get("/", HTTP_HX_REQUEST="true"),
        runs=args.runs,
        must_not_contain=b'data-testid="card-error"',
    )
    portal.server.stop()
    harness.print_table(
        f"Admin home cards, 8 upstream calls (4 independent, then 4 backup lists), "
        f"{args.latency_ms} ms injected latency each, {args.runs} runs",
        results,
    )


if __name__ == "__main__":
    main()

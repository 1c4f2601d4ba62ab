"""Benchmark: a workspace page with 100 ms of injected upstream latency per Agiler call.

The page needs four independent calls (workspace, members, projects, billing transfer). Run
concurrently they should cost about one round trip; one after the other, about four. The
sandbox is served over real HTTP on 127.0.0.1 with a latency fault on every call; the portal
runs in-process (Django test client, SQLite in a temporary folder). Prints a Markdown table.

    .venv/bin/python bench/bench_workspace_page.py [--runs 10] [--latency-ms 100]
"""

from __future__ import annotations

import _page_harness as harness


def main() -> None:
    args = harness.parse_args()
    portal = harness.start_portal(role="support", token="ak_sandbox_support")
    from agiler_sandbox import FaultRule
    from portal.workspaces import views

    portal.app.faults.add(FaultRule(path=r"^/v1/workspaces", latency_ms=args.latency_ms))
    portal.app.faults.add(FaultRule(path=r"^/v1/projects", latency_ms=args.latency_ms))
    workspace = next(iter(portal.app.state.workspaces))
    url = f"/workspaces/{workspace}/"
    results = harness.time_concurrent_and_sequential(
        module=views, get=lambda: portal.client.get(url), runs=args.runs
    )
    portal.server.stop()
    harness.print_table(
        f"Workspace page, 4 upstream calls, {args.latency_ms} ms injected latency each, "
        f"{args.runs} runs",
        results,
    )


if __name__ == "__main__":
    main()

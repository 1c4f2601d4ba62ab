"""Benchmark: the project dashboard (project home) with 100 ms injected per upstream call.

The page needs nine independent Agiler calls (project, workspaces, domains, backups, backup
policy, 7-day usage, 24 h of logs, rules, variables). Issue 18's target: with 100 ms injected
on every call, the page renders in at most 1.2 × (one round trip + rendering), where
"rendering" is the same page measured in the same run with no injected latency. The sequential
stand-in shows what the fan-out saves. Prints Markdown tables.

    .venv/bin/python bench/bench_project_dashboard.py [--runs 10] [--latency-ms 100]
"""

from __future__ import annotations

import statistics
import time

import _page_harness as harness


def main() -> None:
    args = harness.parse_args()
    portal = harness.start_portal(role="operator", token="ak_sandbox_owner")
    from agiler_sandbox import FaultRule
    from portal.projects import dashboard

    project = next(iter(portal.app.state.projects))
    url = f"/projects/{project}/"

    def get():  # type: ignore[no-untyped-def]
        return portal.client.get(url)

    # Rendering: the same page, same process, no injected latency (after a warm-up).
    get()
    rendering = []
    for _ in range(args.runs):
        start = time.perf_counter()
        response = get()
        rendering.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        assert b'data-testid="card-error"' not in response.content

    # /users/me is answered from the scope cache after the warm-up; everything else is slowed.
    portal.app.faults.add(FaultRule(path=r"^/v1/(projects|workspaces)", latency_ms=args.latency_ms))
    results = harness.time_concurrent_and_sequential(
        module=dashboard, get=get, runs=args.runs, must_not_contain=b'data-testid="card-error"'
    )
    portal.server.stop()
    results = {"no injected latency (rendering)": rendering, **results}
    harness.print_table(
        f"Project dashboard, 9 independent upstream calls, {args.latency_ms} ms injected "
        f"latency each, {args.runs} runs",
        results,
    )
    budget = args.latency_ms + statistics.median(rendering)
    shipped = statistics.median(results["concurrent (shipped)"])
    print(
        f"\nOne round trip + rendering = {args.latency_ms} + {statistics.median(rendering):.0f}"
        f" = {budget:.0f} ms; shipped median {shipped:.0f} ms = {shipped / budget:.2f}× "
        f"(target ≤ 1.2×)"
    )


if __name__ == "__main__":
    main()

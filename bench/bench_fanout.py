"""Benchmark: fan-out pages against ONE upstream round trip, measured in the same run.

With the same latency injected on every Agiler call (100 ms by default; the sandbox over real
HTTP on 127.0.0.1, the portal in-process), a page that asks Agiler several things at once should
cost about one round trip. The baseline is one call through the same client (list_projects,
limit 1). Each page's median is divided by it: the goal is ≤ 1.2× for the workspace page, the
project page and the home cards (the request the home page's placeholder makes). The deferred
recent-backups card (two dependent round trips, loaded by its own request) is shown for
completeness.

    .venv/bin/python bench/bench_fanout.py [--runs 10] [--latency-ms 100]
"""

from __future__ import annotations

import statistics
import time

import _page_harness as harness


def main() -> None:
    args = harness.parse_args()
    portal = harness.start_portal(role="admin", token="ak_sandbox_owner")
    from agiler_sandbox import FaultRule
    from portal.accounts.models import User
    from portal.tokens.service import agiler_for

    user = User.objects.get(username="bench")
    client = agiler_for(user)
    workspace = next(iter(portal.app.state.workspaces))
    project = next(iter(portal.app.state.projects))
    htmx = {"HTTP_HX_REQUEST": "true"}
    targets = {
        "one round trip (baseline): list_projects(limit=1)": lambda: client.list_projects(limit=1),
        "workspace page": lambda: portal.client.get(f"/workspaces/{workspace}/"),
        "project page": lambda: portal.client.get(f"/projects/{project}/"),
        "home cards (the placeholder's request)": lambda: portal.client.get("/", **htmx),
        "home: deferred recent-backups card": lambda: portal.client.get("/?card=backups", **htmx),
    }
    for get in targets.values():  # warm: connection pool, templates, scope cache
        get()
    # /users/me (scopes) is cached after the warm-up; every other call waits.
    portal.app.faults.add(FaultRule(path=r"^/v1/(?!users/me$)", latency_ms=args.latency_ms))
    results: dict[str, list[float]] = {label: [] for label in targets}
    for _ in range(args.runs):  # interleaved, so drift on a shared machine hits all alike
        for label, get in targets.items():
            start = time.perf_counter()
            response = get()
            results[label].append((time.perf_counter() - start) * 1000)
            status = getattr(response, "status_code", 200)
            assert status == 200, (label, status)
            assert b'data-testid="card-error"' not in getattr(response, "content", b"")
    portal.server.stop()
    baseline = statistics.median(next(iter(results.values())))
    print(
        f"Fan-out, {args.latency_ms} ms injected on every upstream call, {args.runs} runs "
        "(interleaved), median\n"
    )
    print("| request | median ms | p90 ms | × one round trip |")
    print("|---|---:|---:|---:|")
    for label, times in results.items():
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {label} | {median:.0f} | {p90:.0f} | {median / baseline:.2f}× |")


if __name__ == "__main__":
    main()

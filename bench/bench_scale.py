"""Benchmark: how throughput grows with portal processes behind nginx (the scale table).

In ONE run: the sandbox with 50 ms injected on every API call, PostgreSQL, Redis, nginx from
deploy/nginx/portal.conf.template (TLS) in front of 1, 2, then 4 portal processes started with
`scripts/prod.sh serve` (one gthread worker × 8 threads each, DEBUG off). For each count, `wrk`
through nginx on 127.0.0.1: GET /projects/ and the home page's cards (the htmx request its
placeholder makes) as a signed-in admin, and audited writes with every process writing (GET
/audit/export.csv of an empty filter: each request appends one `audit.export` event to the
hash chain and streams a header line). The sandbox endpoint alone (with its 50 ms) is the
floor. Afterwards `verify_audit_log` must report the chain intact.

    .venv/bin/python bench/bench_scale.py [--seconds 8] [--connections 32] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import subprocess

import _stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    stack = _stack.Stack.start(latency_ms=args.latency_ms)
    rows: list[tuple[int | str, str, _stack.WrkResult]] = []
    run = {"seconds": args.seconds, "connections": args.connections}
    try:
        stack.start_portals(1)
        cookie = stack.session_cookie("bench", "admin", "ak_sandbox_owner")
        portal = {"Cookie": cookie}
        sandbox_url = f"http://127.0.0.1:{stack.sandbox_port}/v1/projects"
        bearer = {"Authorization": "Bearer ak_sandbox_owner"}
        rows.append(
            (
                "—",
                "sandbox GET /v1/projects (direct)",
                _stack.wrk(sandbox_url, **run, headers=bearer),
            )
        )
        for count in [int(n) for n in args.processes.split(",")]:
            stack.stop_nginx()
            stack.stop_portals()
            stack.start_portals(count)
            base = f"https://127.0.0.1:{stack.start_nginx()}"
            for label, path, headers in (
                ("GET /projects/", "/projects/", portal),
                ("home cards (htmx)", "/", {**portal, "HX-Request": "true"}),
                ("audit writes (export)", "/audit/export.csv?action=backups.restore&q=zz", portal),
            ):
                _stack.wrk(base + path, seconds=2, connections=args.connections, headers=headers)
                rows.append((count, label, _stack.wrk(base + path, **run, headers=headers)))
        verified = subprocess.run(
            [_stack.PYTHON, "manage.py", "verify_audit_log"],
            cwd=_stack.ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
        )
    finally:
        stack.close()
    print(
        f"Scale: nginx (TLS) → N portal processes (1 worker × 8 threads), {args.latency_ms} ms "
        f"per upstream call, wrk -c{args.connections}, {args.seconds} s each, 2-core machine\n"
    )
    print("| processes | request | req/s | p50 ms | p99 ms | non-2xx/errors |")
    print("|---:|---|---:|---:|---:|---:|")
    for count, label, r in rows:
        print(
            f"| {count} | {label} | {r.rps:,.0f} | {r.p50_ms:.0f} | {r.p99_ms:.0f} | {r.errors} |"
        )
    print()
    print("verify_audit_log:", (verified.stdout or verified.stderr).strip())


if __name__ == "__main__":
    main()

"""Benchmark: what one page costs a gunicorn process, against /healthz in the same run.

One portal process (`scripts/prod.sh serve`, one gthread worker, 8 threads, DEBUG off,
PostgreSQL, Redis) in front of the sandbox (no injected latency); `wrk` at concurrency 8 on
127.0.0.1 for each URL in turn: /healthz (the floor: the process, no page), GET /projects/ and
the home page as a signed-in admin, and the sandbox's own /v1/projects. The ratio
list-page/healthz is the figure to compare across runs and machines.

    .venv/bin/python bench/bench_page_cost.py [--seconds 10] [--connections 8]
"""

from __future__ import annotations

import argparse

import _stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    stack = _stack.Stack.start()
    try:
        (port,) = stack.start_portals(1)
        cookie = stack.session_cookie("bench", "admin", "ak_sandbox_owner")
        portal = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
        targets = [
            ("portal /healthz", f"http://127.0.0.1:{port}/healthz", portal),
            ("portal GET /projects/", f"http://127.0.0.1:{port}/projects/", portal),
            ("portal GET / (home)", f"http://127.0.0.1:{port}/", portal),
            (
                "sandbox GET /v1/projects",
                f"http://127.0.0.1:{stack.sandbox_port}/v1/projects",
                {"Authorization": "Bearer ak_sandbox_owner"},
            ),
        ]
        rows = []
        for label, url, headers in targets:
            _stack.wrk(url, seconds=2, connections=args.connections, headers=headers)  # warm
            rows.append(
                (
                    label,
                    _stack.wrk(
                        url, seconds=args.seconds, connections=args.connections, headers=headers
                    ),
                )
            )
    finally:
        stack.close()
    floor = rows[0][1].rps
    print(
        f"One portal process (1 worker × 8 threads), wrk -c{args.connections}, "
        f"{args.seconds} s per URL\n"
    )
    print("| URL | req/s | p50 ms | p99 ms | errors | req/s vs /healthz |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in rows:
        print(
            f"| {label} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} "
            f"| {r.rps / floor:.3f} |"
        )


if __name__ == "__main__":
    main()

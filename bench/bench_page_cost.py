"""Benchmark: what a page costs a gunicorn process, against /healthz, and against the code
before the speed work, all in one run.

Two portal processes (`scripts/prod.sh serve`, one gthread worker × 8 threads each, DEBUG off,
PostgreSQL, Redis, the sandbox with no injected latency): one runs this checkout, the other the
code of ``--baseline`` (a git commit, exported with `git archive` into a temp folder; same
database, same session). `wrk -c8` on 127.0.0.1 hits /healthz, GET /projects/ and the home
page's cards, and the sandbox's own /v1/projects, in ``--rounds`` interleaved rounds (the
machine is shared: interleaving exposes every URL to the same drift); the tables give medians.
The last column is the serving process's CPU (user + system, gunicorn included) per request,
from /proc. ``/accounts/token/`` is a signed-in page with no call to Agiler: the layout,
the middleware, the session and the person, plus its own table of the token's scopes.

    .venv/bin/python bench/bench_page_cost.py [--baseline d0f1cf3] [--seconds 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

import _stack


def export(commit: str) -> Path:
    """The tree of ``commit`` in a temp folder (git archive: no worktree, no git metadata)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-baseline."))
    archive = subprocess.run(
        ["git", "archive", commit], cwd=_stack.ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="d0f1cf3", help="commit to compare against")
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    base_tree = export(args.baseline)
    stack = _stack.Stack.start()
    try:
        (port,) = stack.start_portals(1)
        portal_pid = stack.processes[-1].pid
        base_port = stack.start_portals(1, cwd=base_tree)[-1]
        base_pid = stack.processes[-1].pid
        pids = {port: portal_pid, base_port: base_pid}
        cookie = stack.session_cookie("bench", "admin", "ak_sandbox_owner")
        portal = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
        htmx = {**portal, "HX-Request": "true"}
        # The same person, signed in as the baseline's own authentication backend knows.
        old_cookie = stack.session_cookie(
            "bench", "admin", "ak_sandbox_owner", backend=_stack.OLD_BACKEND
        )
        old_portal = {"Cookie": old_cookie, "X-Forwarded-Proto": "https"}
        old_htmx = {**old_portal, "HX-Request": "true"}
        bearer = {"Authorization": "Bearer ak_sandbox_owner"}
        targets = {
            "/healthz": (port, "/healthz", portal),
            "token page: GET /accounts/token/": (port, "/accounts/token/", portal),
            "GET /projects/": (port, "/projects/", portal),
            "home cards (htmx)": (port, "/", htmx),
            "baseline /healthz": (base_port, "/healthz", old_portal),
            "baseline token page: GET /accounts/token/": (
                base_port,
                "/accounts/token/",
                old_portal,
            ),
            "baseline GET /projects/": (base_port, "/projects/", old_portal),
            "baseline home cards (htmx)": (base_port, "/", old_htmx),
            "sandbox GET /v1/projects": (stack.sandbox_port, "/v1/projects", bearer),
        }
        samples: dict[str, list[_stack.WrkResult]] = {label: [] for label in targets}
        #: the serving process's CPU (user + system, all threads) per request, in ms
        cpu: dict[str, list[float]] = {label: [] for label in targets}
        for label, (p, path, headers) in targets.items():  # a 200 each (not a redirect); warm
            url = f"http://127.0.0.1:{p}{path}"
            command = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url]
            for name, value in headers.items():
                command[1:1] = ["-H", f"{name}: {value}"]
            status = subprocess.run(command, capture_output=True, text=True).stdout
            assert status == "200", (label, status)
            _stack.wrk(url, seconds=1, connections=2, headers=headers)
        for _ in range(args.rounds):
            for label, (p, path, headers) in targets.items():
                before = _stack.cpu_seconds_of_tree(pids[p]) if p in pids else 0.0
                result = _stack.wrk(
                    f"http://127.0.0.1:{p}{path}",
                    seconds=args.seconds,
                    connections=args.connections,
                    headers=headers,
                )
                samples[label].append(result)
                if p in pids:
                    spent = _stack.cpu_seconds_of_tree(pids[p]) - before
                    cpu[label].append(1000 * spent / max(1.0, result.rps * args.seconds))
    finally:
        stack.close()
        shutil.rmtree(base_tree, ignore_errors=True)

    def med(label: str, attr: str = "rps") -> float:
        return statistics.median(getattr(r, attr) for r in samples[label])

    def ratio(page: str, floor: str) -> float:
        return statistics.median(
            a.rps / b.rps for a, b in zip(samples[page], samples[floor], strict=True)
        )

    print(
        f"Page cost: one portal process (1 worker × 8 threads), wrk -c{args.connections}, "
        f"{args.rounds} interleaved rounds of {args.seconds} s per URL, medians; "
        f"baseline = commit {args.baseline} in the same run\n"
    )
    print("| URL | req/s | p50 ms | p99 ms | errors | req/s vs its /healthz | CPU ms/request |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in targets:
        floor = "baseline /healthz" if label.startswith("baseline") else "/healthz"
        errors = sum(r.errors for r in samples[label])
        spent = f"{statistics.median(cpu[label]):.2f}" if cpu[label] else "—"
        print(
            f"| {label} | {med(label):,.0f} | {med(label, 'p50_ms'):.1f} | "
            f"{med(label, 'p99_ms'):.1f} | {errors} | {ratio(label, floor):.3f} | {spent} |"
        )
    for page in ("token page: GET /accounts/token/", "GET /projects/", "home cards (htmx)"):
        gain = ratio(page, "/healthz") / ratio(f"baseline {page}", "baseline /healthz")
        print(f"\n{page}: {gain:.2f}× the baseline's throughput relative to /healthz.", end="")
    print()


if __name__ == "__main__":
    main()

"""Benchmark: instructions per request of a page, in-process, this checkout against ``--baseline``.

Time on this machine swings by 10-20 % from one run to the next (a shared virtual machine), which
hides a 3 % change. ``valgrind --tool=callgrind`` counts the instructions the portal's process
executes instead: the same for the same code and data, whatever else the machine is doing
(repeatable here to 0.3 %). Each tree boots as ``bench_page_cpu.py`` boots it (test settings,
DEBUG off, the sandbox in its own process, not counted), warms up, and only then is counting
switched on (``callgrind_control``) around ``--requests`` requests per page. Instructions are not
time (a cache miss or a wait for the interpreter lock costs no instruction), so this measures the
portal's own work per request; bench_page_cost.py measures what that buys through gunicorn.

    .venv/bin/python bench/bench_page_instructions.py [--baseline d0f1cf3] [--requests 20]

Needs Debian's valgrind (on every machine kind here). About 30 s per tree.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _stack

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "/healthz": ("/healthz", {}),
    "/accounts/token/ (layout + the scopes table)": ("/accounts/token/", {}),
    "GET /projects/ (htmx: the table only)": ("/projects/", {"HTTP_HX_REQUEST": "true"}),
    "GET /projects/": ("/projects/", {}),
}


def measure(requests: int, sandbox_url: str) -> None:
    """In the tree of the current folder, under callgrind: boot, warm up, then for each page
    say ``ready`` and wait for ``go`` (the parent switches counting on), run the requests,
    say ``done`` and wait again (the parent switches it off and reads the count)."""
    sys.path.insert(0, os.getcwd())  # this tree's portal, this checkout's bench helpers
    import bench_page_cpu

    get = bench_page_cpu.boot(sandbox_url)
    for path, headers in PAGES.values():
        for _ in range(10):
            get(path, headers)
    for path, headers in PAGES.values():
        print("ready", flush=True)
        _wait_for_go()
        for _ in range(requests):
            get(path, headers)
        print("done", flush=True)
        _wait_for_go()


def _wait_for_go() -> None:
    """Wait for the parent's line, waking every 50 ms: valgrind serves callgrind_control's
    commands only while the process runs, not while it sleeps in one long read."""
    import select

    while not select.select([sys.stdin], [], [], 0.05)[0]:
        pass
    sys.stdin.readline()


def count(tree: Path, requests: int, sandbox_url: str, out: Path) -> dict[str, float]:
    """Instructions per request of each page, for ``tree``."""
    child = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.%p",
            sys.executable,
            __file__,
            "--measure",
            "--requests",
            str(requests),
            "--sandbox",
            sandbox_url,
        ],
        cwd=tree,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONMALLOC": "malloc"},
    )
    assert child.stdin and child.stdout
    found: dict[str, float] = {}
    try:
        for label in PAGES:
            line = child.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"{tree}: expected 'ready', got {line!r}")
            _control(child.pid, "--zero")
            _control(child.pid, "--instr=on")
            child.stdin.write("go\n")
            child.stdin.flush()
            if child.stdout.readline().strip() != "done":
                raise RuntimeError(f"{tree}: the requests of {label} did not finish")
            _control(child.pid, "--instr=off")
            before = set(out.iterdir())
            _control(child.pid, "--dump")
            (dump,) = set(out.iterdir()) - before
            # "totals:" at the end (the "summary:" line at the top may be written as 0)
            totals = re.search(r"^totals: (\d+)", dump.read_text(), re.M)
            if not totals:
                raise RuntimeError(f"no instruction count in {dump}")
            found[label] = int(totals.group(1)) / requests
            child.stdin.write("go\n")
            child.stdin.flush()
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    return found


def _control(pid: int, option: str) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="d0f1cf3", help="commit to compare against")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests, args.sandbox)
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install -y valgrind")
    sandbox, url = _stack.start_sandbox()
    base = Path(tempfile.mkdtemp(prefix="bench-baseline."))
    out = Path(tempfile.mkdtemp(prefix="bench-callgrind."))
    try:
        archive = subprocess.run(
            ["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        old = count(base, args.requests, url, out)
        new = count(ROOT, args.requests, url, out)
    finally:
        sandbox.terminate()
        sandbox.wait()
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    print(
        f"Portal instructions per request, in-process (callgrind; test settings, DEBUG off; the "
        f"sandbox in its own process, not counted), {args.requests} requests per page after a "
        f"warm-up; baseline = commit {args.baseline}\n"
    )
    print("| page | baseline | this checkout | baseline / this |")
    print("|---|---:|---:|---:|")
    for label in PAGES:
        print(
            f"| {label} | {old[label] / 1e6:.2f} M | {new[label] / 1e6:.2f} M | "
            f"{old[label] / new[label]:.2f}× |"
        )


if __name__ == "__main__":
    main()

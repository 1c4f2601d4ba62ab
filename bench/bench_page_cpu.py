"""Benchmark: CPU time per request of a page, in-process, this checkout against ``--baseline``.

The wall-clock page-cost benchmark (bench_page_cost.py) swings with the machine's load; CPU time
per request (``time.process_time`` around 100 requests through Django's WSGI handler, DEBUG off,
cached template loaders, SQLite, the sandbox in-process on 127.0.0.1) is steadier. It counts the
in-process sandbox's CPU for the page's upstream calls too (the same for both trees). Each tree
runs in its own process, alternating, ``--rounds`` times; the table gives medians.

    .venv/bin/python bench/bench_page_cpu.py [--baseline d0f1cf3] [--rounds 3] [--requests 100]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "/healthz": ("/healthz", {}),
    "/accounts/token/ (layout + a small page)": ("/accounts/token/", {}),
    "GET /projects/ (htmx: the table only)": ("/projects/", {"HTTP_HX_REQUEST": "true"}),
    "GET /projects/": ("/projects/", {}),
}


def measure(requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request for each page, in the tree that is the current folder."""
    sys.path.insert(0, os.getcwd())
    workdir = tempfile.mkdtemp()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        PORTAL_DEBUG="false",
        # Throwaway keys for this process (the start-up checks refuse weak ones).
        PORTAL_AUDIT_HMAC_KEY=secrets.token_urlsafe(48),
        PORTAL_SECRET_KEY=secrets.token_urlsafe(50),
        PORTAL_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
    )
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # the per-call log lines would go to this script's stderr
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import Client, RequestFactory

    from agiler_sandbox import create_app
    from agiler_sandbox.server import start_in_thread
    from portal.accounts.models import User
    from portal.tokens.store import token_save

    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_CHECK_MEMO = False  # the test settings' re-render of every {% memo %} reuse
    call_command("migrate", verbosity=0)
    server = start_in_thread(create_app(seed=1))
    settings.AGILER_API_URL = f"http://127.0.0.1:{server.port}/v1"
    settings.AGILER_TRANSPORT = None
    user = User.objects.create_user("bench", password="x", role="admin")
    token_save(user=user, token="ak_sandbox_owner")
    client = Client()
    client.force_login(user)
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    handler = WSGIHandler()  # no test client: its template instrumentation costs CPU too

    def get(path: str, headers: dict[str, str]) -> None:
        environ = dict(RequestFactory().get(path, secure=True, **headers).environ)
        environ.update(HTTP_COOKIE=cookie, **{"wsgi.input": io.BytesIO(b"")})
        status: list[str] = []
        b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        assert status[0].startswith("200"), (path, status)

    results = {}
    for label, (path, headers) in PAGES.items():
        for _ in range(5):
            get(path, headers)  # warm: templates, connection pool, caches
        start = time.process_time()
        for _ in range(requests):
            get(path, headers)
        results[label] = (time.process_time() - start) / requests * 1000
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="d0f1cf3", help="commit to compare against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.requests)))
        return
    base = Path(tempfile.mkdtemp(prefix="bench-baseline."))
    archive = subprocess.run(
        ["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    runs: dict[str, list[dict[str, float]]] = {"this checkout": [], "baseline": []}
    try:
        for _ in range(args.rounds):
            for name, tree in (("baseline", base), ("this checkout", ROOT)):
                command = [sys.executable, __file__, "--measure", "--requests", str(args.requests)]
                out = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True)
                runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(
        f"CPU ms per request, in-process (DEBUG off), {args.requests} requests × "
        f"{args.rounds} alternating rounds, medians; baseline = commit {args.baseline}\n"
    )
    print("| page | baseline ms | this checkout ms | baseline / this |")
    print("|---|---:|---:|---:|")
    for label in PAGES:
        old = statistics.median(r[label] for r in runs["baseline"])
        new = statistics.median(r[label] for r in runs["this checkout"])
        print(f"| {label} | {old:.2f} | {new:.2f} | {old / new:.2f}× |")


if __name__ == "__main__":
    main()

"""Benchmark: the admin home page's cards with 100 ms of injected upstream latency per call.

The cards need four independent calls (projects, billing, workspaces, notifications), then one
backup list per shown project (4, which depend on the project list). Concurrently that is about
two round trips; one after the other, eight. The sandbox is served over real HTTP on 127.0.0.1
with a latency fault on every call; the portal runs in-process (Django test client, SQLite in a
temporary folder). Prints a Markdown table.

    .venv/bin/python bench/bench_home_page.py [--runs 10] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.accounts.models import User
    from portal.accounts.tokens import token_save
    from portal.core import home
    from portal.sandbox import FaultRule, create_app
    from portal.sandbox.server import start_in_thread

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    app = create_app(seed=1, faults_enabled=True)
    server = start_in_thread(app)
    settings.AGILER_API_URL = f"http://127.0.0.1:{server.port}/v1"
    settings.AGILER_TRANSPORT = None
    user = User.objects.create_user("bench", password="x", role="admin")
    token_save(user=user, token="ak_sandbox_owner")
    # /users/me is answered from the scope cache after the warm-up; everything else is slowed.
    app.faults.add(
        FaultRule(path=r"^/v1/(projects|workspaces|users/me/)", latency_ms=args.latency_ms)
    )
    client = Client()
    client.force_login(user)
    htmx = {"HTTP_HX_REQUEST": "true"}

    def sequential(calls: Any) -> dict[str, Any]:
        return {name: call() for name, call in calls.items()}

    results = {}
    for label, runner in (
        ("concurrent (shipped)", home.run_concurrently),
        ("sequential", sequential),
    ):
        home.run_concurrently = runner  # type: ignore[assignment]
        client.get("/", **htmx)  # warm-up: connection pool, templates, scope cache
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/", **htmx)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            assert b'data-testid="card-error"' not in response.content
        results[label] = times
    server.stop()

    print(
        f"Admin home cards, 8 upstream calls (4 independent, then 4 backup lists), "
        f"{args.latency_ms} ms injected latency each, {args.runs} runs\n"
    )
    print("| mode | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|")
    for label, times in results.items():
        print(f"| {label} | {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} |")


if __name__ == "__main__":
    main()

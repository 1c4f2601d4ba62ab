"""Shared harness for the page benchmarks (bench_home_page.py, bench_workspace_page.py).

Each page benchmark boots the same thing: the portal in-process (Django test client, SQLite in a
temporary folder) talking over real HTTP on 127.0.0.1 to a sandbox with latency faults, then
times one page with the shipped ``run_concurrently`` and with a sequential stand-in, and prints
a Markdown table. Only what differs (the page, the user, the faults) stays in each script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout


def parse_args() -> argparse.Namespace:
    """The options every page benchmark takes: ``--runs`` and ``--latency-ms``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    return parser.parse_args()


@dataclass
class Portal:
    """A booted portal: the sandbox app (for faults), its server, and a logged-in client."""

    app: Any
    server: Any
    client: Any


def start_portal(*, role: str, token: str) -> Portal:
    """Set up Django on a fresh SQLite file and log a ``role`` user with ``token`` in.

    Django is imported here, after the environment names the settings and database, which is
    why a script imports portal modules only after calling this.
    """
    workdir = tempfile.mkdtemp()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from agiler_sandbox import create_app
    from agiler_sandbox.server import start_in_thread
    from portal.accounts.models import User
    from portal.tokens.store import token_save

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    app = create_app(seed=1, faults_enabled=True)
    server = start_in_thread(app)
    settings.AGILER_API_URL = f"http://127.0.0.1:{server.port}/v1"
    settings.AGILER_TRANSPORT = None
    user = User.objects.create_user("bench", password="x", role=role)
    token_save(user=user, token=token)
    client = Client()
    client.force_login(user)
    return Portal(app=app, server=server, client=client)


def _sequential(calls: Any) -> dict[str, Any]:
    return {name: call() for name, call in calls.items()}


def time_concurrent_and_sequential(
    *, module: ModuleType, get: Callable[[], Any], runs: int, must_not_contain: bytes = b""
) -> dict[str, list[float]]:
    """Time ``get()`` with ``module.run_concurrently`` as shipped and replaced by a sequential
    loop; milliseconds per run, by mode. Every timed response must be a 200 and, when given,
    must not contain ``must_not_contain`` (a failed card would make a fast, meaningless run)."""
    results = {}
    for label, runner in (
        ("concurrent (shipped)", module.run_concurrently),
        ("sequential", _sequential),
    ):
        module.run_concurrently = runner
        get()  # warm-up: connection pool, templates, scope cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = get()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            if must_not_contain:
                assert must_not_contain not in response.content
        results[label] = times
    return results


def print_table(title: str, results: dict[str, list[float]]) -> None:
    """Print ``title`` and a Markdown table of median/min/max milliseconds by mode."""
    print(f"{title}\n")
    print("| mode | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|")
    for label, times in results.items():
        print(f"| {label} | {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} |")

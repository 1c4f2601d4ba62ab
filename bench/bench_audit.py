"""Audit log benchmark on PostgreSQL: filter-page time (first vs deep pages) and export memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit \\
        .venv/bin/python bench/bench_audit.py --events 1000000

Fills the table with a valid chain (COPY, hashes computed here), then times the page queries the
view runs and streams a full JSONL export while tracking peak Python memory. Prints a Markdown
table for BENCHMARKS.md. Destroys and recreates the audit rows of the database it is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from portal.accounts.models import User  # noqa: E402
from portal.audit.chain import compute_hash, hmac_key  # noqa: E402
from portal.audit.export import jsonl_lines  # noqa: E402
from portal.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent  # noqa: E402
from portal.audit.queries import apply_filters, page_of, visible_events  # noqa: E402

ACTIONS = ["backups.restore", "projects.update", "files.put", "sql.execute", "billing.update"]
COLUMNS = [
    "id", "time", "actor_id", "actor_username", "actor_role", "source_ip", "user_agent",
    "action", "target_type", "target_id", "target_label", "workspace_id", "project_id",
    "summary_json", "outcome", "status", "error_code", "error_message", "request_id",
    "idempotency_key", "duration_ms", "intent_id", "prev_hash", "hash",
]  # fmt: skip


def fill(n: int, users: list[User]) -> None:
    """COPY ``n`` events with a valid chain (one writer: the chain is built here, in order)."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
    AuditChainHead.objects.all().delete()
    key = hmac_key()
    prev = GENESIS_HASH
    start = datetime.now(UTC) - timedelta(seconds=n)
    raw = connection.connection  # psycopg 3
    assert raw is not None
    event = AuditEvent()
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for i in range(1, n + 1):
            user = users[i % len(users)]
            event.id = i
            event.time = start + timedelta(seconds=i, microseconds=i % 1000)
            event.actor_id = user.pk
            event.actor_username = user.username
            event.actor_role = user.role
            event.source_ip = f"10.0.{i % 250}.{i % 200}"
            event.user_agent = "bench"
            event.action = ACTIONS[i % len(ACTIONS)]
            event.target_type = "backup"
            event.target_id = f"b-{i % 5000}"
            event.target_label = f"backup {i % 5000}"
            event.workspace_id = ""
            event.project_id = f"p-{i % 40}"
            event.summary_json = '{"method":"POST"}'
            event.outcome = "failure" if i % 50 == 0 else "success"
            event.status = 500 if i % 50 == 0 else 200
            event.error_code = ""
            event.error_message = ""
            event.request_id = ""
            event.idempotency_key = f"k-{i}"
            event.duration_ms = i % 900
            event.intent_id = None
            event.prev_hash = prev
            event.hash = compute_hash(event, key)
            prev = event.hash
            copy.write_row([getattr(event, c) for c in COLUMNS])
    AuditChainHead.objects.create(pk=1, last_id=n, last_hash=prev)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def timed(fn: object, repeat: int = 5) -> float:
    """Median wall time in milliseconds."""
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def deep_cursor(events: object, pages: int) -> tuple[str, int]:
    """Walk up to ``pages`` pages (as a user clicking Older would); the cursor and depth reached."""
    page = page_of(events)  # type: ignore[arg-type]
    reached = 1
    while reached < pages and page.older:
        cursor = page.older
        page = page_of(events, before=cursor)  # type: ignore[arg-type]
        reached += 1
    return (cursor if reached > 1 else ""), reached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--deep", type=int, default=1000, help="page number of the deep page")
    parser.add_argument("--skip-fill", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_audit needs DATABASE_URL pointing at PostgreSQL")
    call_command("migrate", verbosity=0)
    users = []
    for name, role in [("ada", "admin"), ("otto", "operator"), ("fiona", "finance")]:
        user, _ = User.objects.get_or_create(username=name, defaults={"role": role})
        users.append(user)
    admin, operator, finance = users

    if not args.skip_fill:
        t0 = time.perf_counter()
        fill(args.events, users)
        print(f"filled {args.events} events in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    scenarios = {
        "admin, no filter": (admin, {}),
        "admin, action=backups.restore": (admin, {"action": "backups.restore"}),
        "admin, outcome=failure": (admin, {"outcome": "failure"}),
        "operator (own events)": (operator, {}),
        "finance (own + billing)": (finance, {}),
    }
    rows = []
    for label, (user, filters) in scenarios.items():
        events = apply_filters(visible_events(user), filters)
        first = timed(lambda events=events: page_of(events))
        deep_pages = args.deep if not filters and user is admin else max(2, args.deep // 10)
        cursor, deep_pages = deep_cursor(events, deep_pages)
        deep = timed(lambda events=events, cursor=cursor: page_of(events, before=cursor))
        rows.append((label, first, deep_pages, deep))

    # Export: stream every event once, tracking peak Python allocations.
    tracemalloc.start()
    t0 = time.perf_counter()
    lines = 0
    size = 0
    for line in jsonl_lines(visible_events(admin)):
        lines += 1
        size += len(line)
    export_s = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    t0 = time.perf_counter()
    call_command("verify_audit_log", stdout=open(os.devnull, "w"))  # noqa: SIM115
    verify_s = time.perf_counter() - t0

    print(f"\n### Audit log, {args.events:,} events (PostgreSQL)\n")
    print("| query | page 1 (ms) | deep page | deep page (ms) | deep / first |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, first, pages, deep in rows:
        print(f"| {label} | {first:.1f} | {pages} | {deep:.1f} | {deep / first:.2f}× |")
    print(
        f"\nJSONL export of {lines:,} events ({size / 1e6:.0f} MB) in {export_s:.0f} s; "
        f"peak Python memory {peak / 1e6:.1f} MB. verify_audit_log: {verify_s:.0f} s."
    )


if __name__ == "__main__":
    main()

"""Benchmark: the audit page's free-text search (``q=``) at 1,000,000 events on PostgreSQL,
without and with the trigram indexes of migration 0003_trigram_search, in one run.

Creates a throwaway database (needs root for createdb, like make prod-check), migrates it to
0002 (no search indexes), fills it by COPY with a valid chain (bench/bench_audit.py's fill),
then: times the view's own query (``visible_events`` + ``apply_filters(q=…)`` + ``page_of``, 50
rows, median of 5) for several terms and the cost of appending events through the real service
path (``record``: chained, head row locked, one transaction each); builds the indexes by
migrating to 0003 (timed, sizes reported); and times the same again. Prints Markdown tables.

    .venv/bin/python bench/bench_audit_search.py [--events 1000000] [--appends 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

DATABASE = f"bench_search_{os.getpid()}"
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DATABASE_URL"] = f"postgres://portal_ci:portal_ci@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("PORTAL_AUDIT_HMAC_KEY", "bench-audit-search-hmac-key")

TERMS = {
    "no match": "zq-nothing-matches-this",
    "rare (target b-4242, 200 events)": "b-4242",
    "common (action restore, 20 %)": "restore",
    "an IP address (source_ip =)": "10.0.7.7",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "createdb", "-O", "portal_ci", DATABASE], check=True
    )
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "dropdb", "--force", "--if-exists", DATABASE],
            check=False,
        )


def run(args: argparse.Namespace) -> None:
    import bench_audit  # sets Django up with the DATABASE_URL above
    from django.core.management import call_command
    from django.db import connection

    from portal.accounts.models import User
    from portal.audit import record
    from portal.audit.queries import apply_filters, page_of, visible_events

    call_command("migrate", verbosity=0)
    call_command("migrate", "audit", "0002", verbosity=0)  # the baseline: no search indexes
    users = []
    for name, role in [("ada", "admin"), ("otto", "operator"), ("fiona", "finance")]:
        user, _ = User.objects.get_or_create(username=name, defaults={"role": role})
        users.append(user)
    admin = users[0]
    t0 = time.perf_counter()
    bench_audit.fill(args.events, users)
    print(f"filled {args.events:,} events in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    def searches() -> dict[str, tuple[float, int]]:
        found = {}
        for label, term in TERMS.items():
            events = apply_filters(visible_events(admin), {"q": term})
            page = page_of(events)
            found[label] = (
                bench_audit.timed(lambda events=events: page_of(events)),
                len(page.events),
            )
        return found

    def appends() -> float:
        append(50)  # warm: connection, caches
        t0 = time.perf_counter()
        append(args.appends)
        return args.appends / (time.perf_counter() - t0)

    def append(count: int) -> None:
        for i in range(count):
            record(
                action="backups.create",
                actor=admin,
                target_type="backup",
                target_id=f"b-new-{i}",
                target_label=f"backup new {i}",
                project_id="p-1",
                summary={"method": "POST", "note": f"appended {i}"},
            )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    without = searches()
    appends_without = appends()

    t0 = time.perf_counter()
    call_command("migrate", "audit", "0003", verbosity=0)
    build_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
        cursor.execute(
            "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname LIKE 'audit_trgm_%' OR c.relname = 'audit_source_ip'"
        )
        index_mb = float(cursor.fetchone()[0]) / 1e6
        cursor.execute("SELECT pg_relation_size('audit_auditevent')")
        table_mb = float(cursor.fetchone()[0]) / 1e6
    with_indexes = searches()
    appends_with = appends()

    print(f"\n### Audit free-text search, {args.events:,} events (PostgreSQL), one run\n")
    print("| term | rows on page | no index (ms) | trigram indexes (ms) | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label in TERMS:
        slow, rows = without[label]
        fast, _ = with_indexes[label]
        print(f"| {label} | {rows} | {slow:.1f} | {fast:.1f} | {slow / fast:.0f}× |")
    print(
        f"\nIndexes built in {build_s:.1f} s (CONCURRENTLY), {index_mb:.0f} MB "
        f"(table {table_mb:.0f} MB). Appending events through `record()` "
        f"({args.appends:,}, one transaction each): {appends_without:,.0f}/s without, "
        f"{appends_with:,.0f}/s with the indexes ({appends_with / appends_without:.2f}×)."
    )


if __name__ == "__main__":
    main()

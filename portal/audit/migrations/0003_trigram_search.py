"""On PostgreSQL, trigram indexes make the audit page's free-text search (``q=``) fast.

The search is ``UPPER(col::text) LIKE UPPER('%term%')`` over six columns OR'd together (Django's
``icontains``) plus ``source_ip = term``. Without an index PostgreSQL scans every event (1.16 s
at 1,000,000 events for a term that matches nothing). A GIN index with ``gin_trgm_ops`` on the
very same expressions, and a b-tree on ``source_ip``, turn the OR into a bitmap of index scans
(BENCHMARKS.md, bench/bench_audit_search.py: milliseconds, and the insert cost they add).

Built ``CONCURRENTLY`` (this migration is not atomic) so that an upgrade with portal processes
still writing events does not lock the table. ``pg_trgm`` is a trusted extension: the database
owner may create it. Other databases (SQLite in development) get nothing: the search still works
there, unindexed.
"""

from __future__ import annotations

from django.db import migrations

#: the columns ``portal.audit.queries.apply_filters`` searches with icontains
SEARCHED = ["action", "actor_username", "target_id", "target_label", "summary_json", "error_message"]


def _statements() -> list[str]:
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for column in SEARCHED:
        statements.append(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_trgm_{column} ON audit_auditevent "
            f'USING gin ((UPPER(("{column}")::text)) gin_trgm_ops)'
        )
    statements.append(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_source_ip ON audit_auditevent (source_ip)"
    )
    return statements


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements():
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for name in [f"audit_trgm_{column}" for column in SEARCHED] + ["audit_source_ip"]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]

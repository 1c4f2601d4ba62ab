"""On PostgreSQL the audit page's free-text search is served by trigram indexes (migration
0003_trigram_search), so it stays fast at a million events (BENCHMARKS.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.audit.queries import apply_filters, visible_events

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only"
    ),
]


def test_every_searched_column_has_a_trigram_index_the_search_query_can_use(admin) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_auditevent' "
            "AND (indexname LIKE 'audit_trgm_%' OR indexname = 'audit_source_ip')"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "audit_trgm_action",
        "audit_trgm_actor_username",
        "audit_trgm_target_id",
        "audit_trgm_target_label",
        "audit_trgm_summary_json",
        "audit_trgm_error_message",
        "audit_source_ip",
    }
    query = apply_filters(visible_events(admin), {"q": "restore"}).order_by("-time", "-id")[:51]
    with connection.cursor() as cursor:
        # On a near-empty test table the planner may walk the time index instead; with both
        # plain scans off it must show that the trigram indexes can serve the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_trgm_summary_json" in plan, plan

"""Many writers at once keep one valid chain (PostgreSQL: real row locks, real connections)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from portal.audit import record
from portal.audit.chain import verify_chain
from portal.audit.models import AuditEvent

WRITERS = 8
EACH = 25


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers itself; the row-lock race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_a_chain_that_verifies(admin: Any) -> None:
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                record(action="files.put", actor=admin, target_id=f"w{n}-{i}")
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    ids = list(AuditEvent.objects.filter(action="files.put").values_list("id", flat=True))
    assert len(ids) == WRITERS * EACH
    result = verify_chain()
    assert result.ok, result.reason
    assert result.verified == AuditEvent.objects.count()

"""Django's PostgreSQL backend, with a health check that skips connections in constant use.

With ``CONN_HEALTH_CHECKS``, Django asks a persistent connection ``SELECT 1`` before the first
query of every request: a round trip per page even when the connection answered a query a
millisecond ago. Measured through gunicorn that was 7 % of a list page's throughput (issue 14:
page cost). Here a connection that ran a query less than ``TRUSTED_FOR`` seconds ago is trusted
without the check; one idle longer (a database restart, a proxy that drops idle connections: how
connections break) is checked as Django checks it, and replaced if it fails.

A connection that breaks while in constant use (a failover or a restart under load) fails one
request, as it would have without the check; Django then closes it at the end of that request
(``errors_occurred``), and the next request opens a new one: at most one failed request per
worker thread. ``PORTAL_DB_TRUSTED_SECONDS=0`` restores Django's check before every request.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base

#: seconds since a connection's last query within which it is not health-checked (the setting
#: ``PORTAL_DB_TRUSTED_SECONDS``; 0 checks before every request, as Django does)
TRUSTED_FOR = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _last_query_at = float("-inf")

    def _cursor(self, name: Any = None) -> Any:
        now = time.monotonic()
        trusted_for = getattr(settings, "PORTAL_DB_TRUSTED_SECONDS", TRUSTED_FOR)
        if self.connection is not None and now - self._last_query_at < trusted_for:
            self.health_check_done = True  # answered a moment ago: no SELECT 1 first
        self._last_query_at = now
        return super()._cursor(name)  # type: ignore[misc]  # Django declares it, its stubs do not

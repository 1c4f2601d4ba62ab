"""Run independent upstream calls of one page at the same time.

Pages often need several independent calls: the workspace page needs the workspace, its
members, its projects and its billing transfer, four round trips that do not depend on each
other; the home page needs a card's worth from several areas. One after the other they cost
the sum of the upstream latencies; together, about one round trip. The pooled httpx client
is thread-safe, so a small shared thread pool is all it takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections

#: Shared by every request of the process; bounded so a burst of pages cannot spawn threads
#: without limit (calls beyond it simply queue).
MAX_WORKERS = 16

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="agiler-call")
        return _pool


def _run(call: Callable[[], Any]) -> Any:
    try:
        return call()
    finally:
        # A call may touch the ORM (token bookkeeping, audit of a sensitive read): a worker
        # thread must not keep a database connection open between pages.
        close_old_connections()


def run_concurrently(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run each zero-argument callable in ``calls`` concurrently; return results by name.

    If any call raises, the first failure (in ``calls`` order) is re-raised once all have
    finished, so the page shows one error and no call is left running behind the response.
    A single call runs inline: no thread hop for nothing.
    """
    if len(calls) <= 1:
        return {name: call() for name, call in calls.items()}
    pool = _executor()
    futures: dict[str, Future[Any]] = {
        name: pool.submit(_run, call) for name, call in calls.items()
    }
    results: dict[str, Any] = {}
    first_error: BaseException | None = None
    for name, future in futures.items():
        try:
            results[name] = future.result()
        except BaseException as error:  # noqa: BLE001 - re-raised below, after all have ended
            if first_error is None:
                first_error = error
    if first_error is not None:
        raise first_error
    return results

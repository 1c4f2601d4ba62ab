"""Run independent upstream calls of one page at the same time.

Pages often need several independent calls: the workspace page needs the workspace, its
members, its projects and its billing transfer, four round trips that do not depend on each
other; the home page needs a card's worth from several areas. One after the other they cost
the sum of the upstream latencies; together, about one round trip. The pooled httpx client
is thread-safe, so a small shared thread pool is all it takes.

Database budget: a pool thread holds no connection between tasks (each task's connections are
closed when it ends), so the pool adds at most MAX_WORKERS connections per process, and only
while tasks that touch the ORM are running.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connections

#: Shared by every request of the process; bounded so a burst of pages cannot spawn threads
#: without limit (calls beyond it simply queue).
MAX_WORKERS = 16

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
#: ``on_pool`` is True on the pool's own threads (set by each task it runs)
_local = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="agiler-call")
        return _pool


def after_gather(work: Callable[[], None]) -> None:
    """Run ``work`` on the thread that called :func:`run_concurrently`, once every call has
    ended; at once when not inside a concurrent call.

    For bookkeeping a pool task must not do itself: a database write from a pool thread runs on
    the thread's own connection, outside the caller's transaction, and may wait for a row lock
    the caller's transaction holds while the caller waits for the task: a deadlock no database
    can see (the audit chain's head row is such a lock).
    """
    deferred: list[Callable[[], None]] | None = getattr(_local, "deferred", None)
    if deferred is None:
        work()
    else:
        deferred.append(work)


def _run(call: Callable[[], Any]) -> tuple[Any, BaseException | None, list[Callable[[], None]]]:
    try:
        return _guarded(call)
    finally:
        # A call may touch the ORM (token bookkeeping, audit of a sensitive read). With
        # CONN_MAX_AGE > 0, close_old_connections() would keep each pool thread's connection
        # open for its whole age: 16 idle connections per process. Close them for real.
        for connection in connections.all(initialized_only=True):
            connection.close()


def _guarded(
    call: Callable[[], Any],
) -> tuple[Any, BaseException | None, list[Callable[[], None]]]:
    """Run ``call`` as a pool task does, on whatever thread this is: nested fan-outs inline,
    its bookkeeping (``after_gather``) kept for the caller, any exception returned."""
    was_on_pool, was_deferred = getattr(_local, "on_pool", False), getattr(_local, "deferred", None)
    _local.on_pool = True
    deferred: list[Callable[[], None]] = []
    _local.deferred = deferred
    try:
        return call(), None, deferred
    except BaseException as error:  # noqa: BLE001 - handed to the caller, which re-raises it
        return None, error, deferred
    finally:
        _local.deferred, _local.on_pool = was_deferred, was_on_pool


def _inline(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    first_error: BaseException | None = None
    for name, call in calls.items():
        try:
            results[name] = call()
        except BaseException as error:  # noqa: BLE001 - re-raised below, after all have run
            if first_error is None:
                first_error = error
    if first_error is not None:
        raise first_error
    return results


def run_concurrently(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run each zero-argument callable in ``calls`` concurrently; return results by name.

    If any call raises, the first failure (in ``calls`` order) is re-raised once all have
    finished, so the page shows one error and no call is left running behind the response.
    A single call runs inline: no thread hop for nothing; of several, the first runs on the
    calling thread while the pool runs the rest. Called from a task already on the
    pool, the calls run inline too: waiting there on inner futures could take every pool thread
    and deadlock the process.
    """
    if len(calls) <= 1 or getattr(_local, "on_pool", False):
        return _inline(calls)
    pool = _executor()
    # The first call runs here, on the caller's thread, while the pool runs the others: one
    # thread hand-off fewer (the caller would only wait), the same concurrency. It runs as a
    # pool task would (nested fan-outs inline, bookkeeping deferred), on the caller's own
    # database connection, which stays open.
    first, *others = calls.items()
    futures: dict[str, Future[Any]] = {name: pool.submit(_run, call) for name, call in others}
    outcomes = {first[0]: _guarded(first[1])}
    outcomes.update((name, future.result()) for name, future in futures.items())
    results: dict[str, Any] = {}
    first_error: BaseException | None = None
    deferred: list[Callable[[], None]] = []
    for name in calls:
        value, error, later = outcomes[name]
        deferred.extend(later)
        if error is None:
            results[name] = value
        elif first_error is None:
            first_error = error
    # The tasks' bookkeeping, on this thread and its connection (see after_gather).
    for work in deferred:
        work()
    if first_error is not None:
        raise first_error
    return results

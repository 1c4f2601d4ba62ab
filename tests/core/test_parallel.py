"""run_concurrently: worker threads hold no database connection between tasks, and a nested
call runs inline instead of waiting on the pool it is running on."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from portal.lib.parallel import run_concurrently


def test_results_come_back_by_name() -> None:
    assert run_concurrently({"a": lambda: 1, "b": lambda: 2}) == {"a": 1, "b": 2}


def test_a_worker_closes_its_database_connection_after_each_task(db: None) -> None:
    """The first call runs on the caller's thread, whose connection stays open; the others run
    on pool threads, which close theirs."""
    closed: list[str] = []

    def task(name: str) -> Any:
        def call() -> str:
            connection = connections["default"]
            connection.ensure_connection()

            def close() -> None:
                closed.append(name)
                type(connection).close(connection)

            # Spy on this thread's own connection object only (CONN_MAX_AGE is 60 here, so
            # close_old_connections() would leave it open).
            connection.close = close  # type: ignore[method-assign]
            return name

        return call

    caller = connections["default"]
    caller.ensure_connection()
    try:
        results = run_concurrently({"a": task("a"), "b": task("b"), "c": task("c")})
        assert results == {"a": "a", "b": "b", "c": "c"}
        assert sorted(closed) == ["b", "c"]
        assert caller.connection is not None  # the caller's own, used by "a", is still open
    finally:
        vars(caller).pop("close", None)  # the spy "a" put on the caller's connection


def test_the_first_call_runs_on_the_callers_thread_and_the_others_on_the_pool() -> None:
    caller = threading.current_thread().name
    names = run_concurrently(
        {name: lambda: threading.current_thread().name for name in ("a", "b", "c")}
    )
    assert names["a"] == caller
    assert caller not in {names["b"], names["c"]}


def test_a_nested_call_runs_inline_on_the_pool_thread() -> None:
    def outer() -> tuple[str, set[str]]:
        here = threading.current_thread().name
        inner = run_concurrently(
            {
                "x": lambda: threading.current_thread().name,
                "y": lambda: threading.current_thread().name,
            }
        )
        return here, set(inner.values())

    results = run_concurrently({"one": outer, "two": outer})
    for here, inner_threads in results.values():
        assert inner_threads == {here}


def test_the_first_failure_in_order_is_raised_after_every_call_ran() -> None:
    ran: list[str] = []

    def fail(name: str) -> Any:
        def call() -> None:
            ran.append(name)
            raise ValueError(name)

        return call

    def nested() -> dict[str, Any]:
        return run_concurrently({"a": fail("a"), "b": fail("b"), "c": lambda: ran.append("c")})

    with pytest.raises(ValueError, match="^a$"):
        run_concurrently({"outer": nested, "other": lambda: None})
    assert sorted(ran) == ["a", "b", "c"]


def test_bookkeeping_of_pool_tasks_runs_on_the_callers_thread_once_all_have_ended() -> None:
    """A pool task's database write (an audit row for a failed read) would use its own
    connection and could wait on a lock the caller's transaction holds: it is handed back."""
    import threading

    from portal.lib.parallel import after_gather, run_concurrently

    seen: list[int] = []

    def task() -> int:
        after_gather(lambda: seen.append(threading.get_ident()))
        return 1

    def failing() -> int:
        after_gather(lambda: seen.append(threading.get_ident()))
        raise ValueError("upstream down")

    caller = threading.get_ident()
    assert run_concurrently({"a": task, "b": task}) == {"a": 1, "b": 1}
    assert seen == [caller, caller]
    seen.clear()
    with pytest.raises(ValueError):
        run_concurrently({"a": task, "b": failing})
    assert seen == [caller, caller]  # the failed call's bookkeeping is not lost


def test_outside_a_fan_out_bookkeeping_runs_at_once() -> None:
    from portal.lib.parallel import after_gather

    seen: list[str] = []
    after_gather(lambda: seen.append("done"))
    assert seen == ["done"]

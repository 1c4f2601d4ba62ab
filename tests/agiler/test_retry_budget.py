"""Retries cost at most 20 % extra requests per window, a pool timeout is never retried, and a
422 is a clear conflict-like error (issue 15, item 9)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from portal.agiler import AgilerClient, AgilerUnavailable, ServerError, Unprocessable
from portal.agiler._budget import RetryBudget
from tests.helpers import FakeTime, error_json

Build = Callable[..., AgilerClient]


def test_a_sustained_503_adds_at_most_a_fifth_more_requests(
    wire_client: Build, fake_time: FakeTime
) -> None:
    seen: list[httpx.Request] = []

    def always_503(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    budget = RetryBudget(ratio=0.2, window=3600, floor=0, clock=fake_time.clock)
    client = wire_client(always_503, max_retries=2, retry_budget=budget)
    for _ in range(100):
        with pytest.raises(ServerError):
            client.get_project("p")
    # Without the budget: 300 requests (each call tried three times). With it: ≤ 120.
    assert 100 < len(seen) <= 120


def test_a_quiet_process_may_still_retry_within_the_floor(fake_time: FakeTime) -> None:
    budget = RetryBudget(ratio=0.2, window=10, floor=2, clock=fake_time.clock)
    budget.record_call()
    assert budget.try_retry() and budget.try_retry() and not budget.try_retry()


def test_a_pool_timeout_is_not_retried(wire_client: Build, fake_time: FakeTime) -> None:
    seen: list[httpx.Request] = []

    def pool_full(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.PoolTimeout("no connection free")

    with pytest.raises(AgilerUnavailable):
        wire_client(pool_full, max_retries=2).get_project("p")
    assert len(seen) == 1 and fake_time.sleeps == []


def test_a_422_is_an_unprocessable_conflict_never_retried(wire_client: Build) -> None:
    seen: list[httpx.Request] = []

    def unprocessable(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(422, json=error_json("", "backup is still running"))

    with pytest.raises(Unprocessable) as caught:
        wire_client(unprocessable, max_retries=2).delete_backup("p", "b")
    assert len(seen) == 1
    assert caught.value.code == "conflict"  # audited like a conflict, not "error"
    assert caught.value.message == "backup is still running"

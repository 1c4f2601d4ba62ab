"""Retry policy at the wire level: which failures are retried, how long the client waits, and
that a retried write reuses its Idempotency-Key. Time is fake: no test sleeps for real."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import httpx
import pytest

from portal.agiler import (
    AgilerClient,
    AgilerUnavailable,
    BadRequest,
    Conflict,
    RateLimited,
    ServerError,
)
from tests.helpers import FakeTime, error_json, project_json

Build = Callable[..., AgilerClient]


def scripted(
    *responses: httpx.Response | Exception,
) -> tuple[Callable[[httpx.Request], httpx.Response], list[httpx.Request]]:
    """A handler answering with ``responses`` in order, recording every request it gets."""
    seen: list[httpx.Request] = []
    queue: Iterator[httpx.Response | Exception] = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def ok_project() -> httpx.Response:
    return httpx.Response(200, json=project_json())


def test_429_then_success_waits_exactly_retry_after(
    wire_client: Build, fake_time: FakeTime
) -> None:
    handler, seen = scripted(
        httpx.Response(
            429, json=error_json("rate_limited", "slow down"), headers={"Retry-After": "3"}
        ),
        ok_project(),
    )
    project = wire_client(handler).get_project("p")
    assert project.name == "shop"
    assert len(seen) == 2
    assert fake_time.sleeps == [3.0]


def test_retry_after_beyond_ceiling_raises_rate_limited_at_once(
    wire_client: Build, fake_time: FakeTime
) -> None:
    handler, seen = scripted(
        httpx.Response(
            429, json=error_json("rate_limited", "slow down"), headers={"Retry-After": "120"}
        ),
    )
    with pytest.raises(RateLimited) as caught:
        wire_client(handler, retry_after_ceiling=10.0).get_project("p")
    assert caught.value.retry_after == 120.0
    assert caught.value.status == 429
    assert len(seen) == 1
    assert fake_time.sleeps == []


def test_503_on_a_get_is_retried_with_exponential_backoff(
    wire_client: Build, fake_time: FakeTime
) -> None:
    handler, seen = scripted(httpx.Response(503), httpx.Response(503), ok_project())
    wire_client(handler, max_retries=2).get_project("p")
    assert len(seen) == 3
    # jitter is pinned to its cap in these tests: 0.5 s, then 1.0 s.
    assert fake_time.sleeps == [0.5, 1.0]


def test_full_jitter_draws_each_delay_below_the_exponential_cap(
    wire_client: Build, fake_time: FakeTime
) -> None:
    caps: list[float] = []

    def jitter(cap: float) -> float:
        caps.append(cap)
        return cap / 4

    handler, _ = scripted(
        httpx.Response(502), httpx.Response(502), httpx.Response(502), ok_project()
    )
    wire_client(handler, max_retries=3, jitter=jitter).get_project("p")
    assert caps == [0.5, 1.0, 2.0]
    assert fake_time.sleeps == [0.125, 0.25, 0.5]


def test_retries_stop_after_max_retries_with_the_last_error(wire_client: Build) -> None:
    handler, seen = scripted(*(httpx.Response(500) for _ in range(3)))
    with pytest.raises(ServerError) as caught:
        wire_client(handler, max_retries=2).get_project("p")
    assert caught.value.status == 500
    assert len(seen) == 3


def test_retries_stop_when_the_total_time_budget_would_be_exceeded(
    wire_client: Build, fake_time: FakeTime
) -> None:
    handler, seen = scripted(*(httpx.Response(503, headers={"Retry-After": "4"}) for _ in range(5)))
    with pytest.raises(ServerError):
        wire_client(handler, max_retries=10, max_retry_time=10.0).get_project("p")
    assert fake_time.sleeps == [4.0, 4.0]  # a third 4 s wait would pass the 10 s budget
    assert len(seen) == 3


def test_a_retried_write_reuses_its_idempotency_key(wire_client: Build) -> None:
    handler, seen = scripted(
        httpx.Response(503),
        httpx.Response(
            201,
            json={
                "id": "0193aaaa-0000-7000-8000-0000000000b1",
                "status": "pending",
                "automatic": False,
                "created_at": "2025-01-02T03:04:05Z",
            },
        ),
    )
    backup = wire_client(handler).create_backup("p")
    assert backup.status == "pending"
    keys = [r.headers.get("Idempotency-Key") for r in seen]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]


def test_every_write_gets_a_fresh_key_unless_the_caller_passes_one(wire_client: Build) -> None:
    handler, seen = scripted(httpx.Response(204), httpx.Response(204), httpx.Response(204))
    client = wire_client(handler)
    client.delete_project("p")
    client.delete_project("p")
    client.delete_project("p", idempotency_key="form-key-1")
    keys = [r.headers["Idempotency-Key"] for r in seen]
    assert keys[0] != keys[1]
    assert keys[2] == "form-key-1"


def test_a_get_carries_no_idempotency_key(wire_client: Build) -> None:
    handler, seen = scripted(ok_project())
    wire_client(handler).get_project("p")
    assert "Idempotency-Key" not in seen[0].headers


def test_409_is_never_retried(wire_client: Build) -> None:
    handler, seen = scripted(
        httpx.Response(409, json=error_json("conflict", "key reused with another body")),
        ok_project(),
    )
    with pytest.raises(Conflict):
        wire_client(handler).update_project("p", name="x")
    assert len(seen) == 1


def test_400_is_never_retried_and_names_the_field(wire_client: Build) -> None:
    handler, seen = scripted(
        httpx.Response(
            400, json=error_json("invalid_argument", "name must not be empty", field="name")
        ),
        ok_project(),
    )
    with pytest.raises(BadRequest) as caught:
        wire_client(handler).update_project("p", name="")
    assert caught.value.field == "name"
    assert len(seen) == 1


def test_a_connect_error_is_retried_and_then_reported_as_not_applied(wire_client: Build) -> None:
    handler, seen = scripted(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(AgilerUnavailable) as caught:
        wire_client(handler).delete_project("p")
    assert caught.value.may_have_been_applied is False
    assert len(seen) == 3


def test_a_read_timeout_on_a_write_may_have_been_applied(wire_client: Build) -> None:
    handler, _ = scripted(
        httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.ConnectError("refused")
    )
    with pytest.raises(AgilerUnavailable) as caught:
        wire_client(handler).delete_project("p")
    # The first attempt may have been applied even though later ones never connected.
    assert caught.value.may_have_been_applied is True


def test_a_read_timeout_on_a_get_is_retried_then_succeeds(wire_client: Build) -> None:
    handler, seen = scripted(httpx.ReadTimeout("slow"), ok_project())
    assert wire_client(handler).get_project("p").id.endswith("0001")
    assert len(seen) == 2


def test_an_upload_from_a_non_seekable_stream_is_never_retried(wire_client: Build) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    handler, seen = scripted(httpx.Response(503), httpx.Response(200, json={}))
    with pytest.raises(ServerError):
        wire_client(handler).put_file("p", "a.txt", Pipe(b"hello"))
    assert len(seen) == 1
    assert seen[0].content == b"hello"


def test_an_upload_from_a_seekable_file_is_replayed_whole_on_retry(wire_client: Build) -> None:
    entry = {
        "name": "a.txt",
        "path": "a.txt",
        "is_dir": False,
        "size": 5,
        "modified_at": "2025-01-02T03:04:05Z",
    }
    handler, seen = scripted(httpx.ReadError("reset"), httpx.Response(201, json=entry))
    result = wire_client(handler).put_file("p", "a.txt", io.BytesIO(b"hello"))
    assert result.size == 5
    assert [r.content for r in seen] == [b"hello", b"hello"]
    assert seen[0].headers["Idempotency-Key"] == seen[1].headers["Idempotency-Key"]


def test_429_on_a_non_seekable_upload_is_raised_not_retried(wire_client: Build) -> None:
    handler, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={})
    )
    with pytest.raises(RateLimited) as caught:
        wire_client(handler).put_file("p", "a.txt", _NonSeekable(b"data"))
    assert caught.value.retry_after == 1.0
    assert len(seen) == 1


class _NonSeekable:
    """Minimal non-seekable binary reader (like a socket or a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)

    def seekable(self) -> bool:
        return False

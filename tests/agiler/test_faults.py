"""Resilience against the sandbox's fault injection (in-process): rate limits, 5xx, malformed
bodies, and writes that were applied although their answer failed."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.agiler import AgilerClient, AgilerResponseError, RateLimited, ServerError

from .conftest import FakeTime, RecordingObserver, RecordingTransport


def fault(**kwargs: Any) -> Any:
    from agiler_sandbox import FaultRule

    return FaultRule(**kwargs)


def test_429_then_success_waits_for_retry_after(
    client: AgilerClient, sandbox: Any, fake_time: FakeTime, wire: RecordingTransport
) -> None:
    sandbox.faults.add(fault(operation="list_backups", status=429, retry_after=2, times=1))
    project = client.list_projects().items[0].id
    before = len(wire.requests)
    assert client.list_backups(project).items
    assert fake_time.sleeps == [2.0]
    assert len(wire.requests) - before == 2


def test_rate_limited_beyond_the_ceiling_is_raised_with_retry_after(
    client: AgilerClient, sandbox: Any, fake_time: FakeTime
) -> None:
    sandbox.faults.add(fault(operation="get_me", status=429, retry_after=60, times=1))
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    assert caught.value.retry_after == 60.0
    assert fake_time.sleeps == []


def test_a_503_on_a_get_is_retried(
    client: AgilerClient, sandbox: Any, wire: RecordingTransport
) -> None:
    sandbox.faults.add(fault(operation="list_workspaces", status=503, times=2))
    assert client.list_workspaces().items
    assert [r.url.path for r in wire.requests[-3:]] == ["/v1/workspaces"] * 3


def test_a_503_that_persists_surfaces_as_server_error(client: AgilerClient, sandbox: Any) -> None:
    sandbox.faults.add(fault(operation="get_billing", status=503))
    with pytest.raises(ServerError) as caught:
        client.get_billing()
    assert caught.value.status == 503


def test_a_retried_write_reuses_its_key_and_creates_one_backup(
    client: AgilerClient,
    sandbox: Any,
    project_id: str,
    wire: RecordingTransport,
    observer: RecordingObserver,
) -> None:
    before = {b.id for b in client.paginate(client.list_backups, project_id, limit=200)}
    # The write is applied, then the answer is a 503: the retry must be a replay, not a second
    # backup.
    sandbox.faults.add(fault(operation="create_backup", status=503, times=1, after_send=True))
    backup = client.create_backup(project_id)
    posts = [r for r in wire.requests if r.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    after = {b.id for b in client.paginate(client.list_backups, project_id, limit=200)}
    assert after - before == {backup.id}
    ((_, outcome),) = observer.of("after_write")  # type: ignore[misc]
    assert (outcome.outcome, outcome.attempts) == ("success", 2)


def test_a_503_on_a_non_seekable_upload_is_not_retried(
    client: AgilerClient, sandbox: Any, project_id: str, wire: RecordingTransport
) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._data = io.BytesIO(b"streamed once")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    sandbox.faults.add(fault(operation="put_file", status=503, times=1))
    before = len(wire.requests)
    with pytest.raises(ServerError):
        client.put_file(project_id, "pipe.txt", Pipe())
    assert len(wire.requests) - before == 1


def test_a_503_on_a_seekable_upload_is_retried_with_the_same_bytes(
    client: AgilerClient, sandbox: Any, project_id: str, wire: RecordingTransport
) -> None:
    sandbox.faults.add(fault(operation="put_file", status=503, times=1))
    entry = client.put_file(project_id, "seekable.txt", io.BytesIO(b"rewound"))
    assert entry.size == 7
    puts = [r for r in wire.requests if r.method == "PUT"]
    assert [r.content for r in puts] == [b"rewound", b"rewound"]


def test_a_malformed_json_body_is_a_clear_response_error(
    client: AgilerClient, sandbox: Any
) -> None:
    sandbox.faults.add(fault(operation="list_projects", malformed_json=True, times=1))
    with pytest.raises(AgilerResponseError) as caught:
        client.list_projects()
    assert caught.value.status == 200
    assert "list_projects" in str(caught.value)


def test_a_409_is_not_retried(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    from portal.agiler import Conflict

    client.update_project(project_id, name="first-name", idempotency_key="k-409")
    before = len(wire.requests)
    with pytest.raises(Conflict):
        client.update_project(project_id, name="other-name", idempotency_key="k-409")
    assert len(wire.requests) - before == 1

"""The client over real HTTP against the sandbox server on 127.0.0.1: representative
operations, dropped connections, timeouts, truncated downloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portal.agiler import (
    AgilerClient,
    AgilerUnavailable,
    FileDownload,
    Page,
    ProjectBackupEntry,
    close_all,
)

from .conftest import FakeTime, RecordingObserver


@pytest.fixture
def served() -> Iterator[Any]:
    sandbox_module = pytest.importorskip("agiler_sandbox")
    server_module = pytest.importorskip("agiler_sandbox.server")
    app = sandbox_module.create_app(
        seed=1, faults_enabled=True, backup_seconds=0.2, restore_seconds=0.2
    )
    server = server_module.start_in_thread(app, host="127.0.0.1", port=0)
    server.app = app
    yield server
    close_all()
    server.stop()


@pytest.fixture
def http_client(served: Any, fake_time: FakeTime, observer: RecordingObserver) -> AgilerClient:
    return AgilerClient(
        base_url=served.base_url,
        token="ak_sandbox_owner",
        timeout={"connect": 2.0, "read": 2.0},
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        observer=observer,
    )


def fault(**kwargs: Any) -> Any:
    from agiler_sandbox import FaultRule

    return FaultRule(**kwargs)


def test_representative_operations_over_http(http_client: AgilerClient) -> None:
    projects = http_client.list_projects(limit=3)
    assert isinstance(projects, Page) and projects.next_cursor
    project = projects.items[0].id
    assert http_client.get_project(project).id == project
    assert http_client.get_me().effective_scopes
    backup = http_client.create_backup(project)
    assert isinstance(backup, ProjectBackupEntry)
    http_client.update_backup_policy(project, frequency_days=1)
    entry = http_client.put_file(project, "über/ü.txt", b"x" * 100_000)
    assert entry.size == 100_000
    download = http_client.get_file(project, "über/ü.txt")
    assert isinstance(download, FileDownload)
    with download:
        assert sum(len(c) for c in download.iter_bytes(4096)) == 100_000
    assert len(list(http_client.paginate(http_client.list_projects, limit=7))) >= 3


def test_a_dropped_connection_is_retried_for_a_get(
    http_client: AgilerClient, served: Any, fake_time: FakeTime
) -> None:
    served.app.faults.add(fault(operation="get_me", drop_connection=True, times=1))
    assert http_client.get_me().email
    assert len(fake_time.sleeps) == 1


def test_a_dropped_connection_after_a_write_is_retried_with_its_key(
    http_client: AgilerClient, served: Any, observer: RecordingObserver
) -> None:
    project = http_client.list_projects().items[0].id
    before = {b.id for b in http_client.paginate(http_client.list_backups, project, limit=200)}
    served.app.faults.add(
        fault(operation="create_backup", drop_connection=True, times=1, after_send=True)
    )
    backup = http_client.create_backup(project)
    after = {b.id for b in http_client.paginate(http_client.list_backups, project, limit=200)}
    assert after - before == {backup.id}  # the replay proves one backup was created
    ((_, outcome),) = observer.of("after_write")  # type: ignore[misc]
    assert (outcome.outcome, outcome.attempts) == ("success", 2)


def test_a_dropped_connection_that_persists_is_unavailable_and_maybe_applied(
    http_client: AgilerClient, served: Any, observer: RecordingObserver
) -> None:
    served.app.faults.add(fault(operation="create_workspace", drop_connection=True))
    with pytest.raises(AgilerUnavailable) as caught:
        http_client.create_workspace(name="Lost")
    assert caught.value.may_have_been_applied is True
    ((_, outcome),) = observer.of("after_write")  # type: ignore[misc]
    assert outcome.outcome == "unknown" and outcome.attempts == 3


def test_a_slow_answer_times_out_as_unavailable(served: Any, fake_time: FakeTime) -> None:
    client = AgilerClient(
        base_url=served.base_url,
        token="ak_sandbox_owner",
        timeout={"read": 0.2},
        max_retries=0,
        sleep=fake_time.sleep,
    )
    served.app.faults.add(fault(operation="get_billing", latency_ms=1500, times=1))
    with pytest.raises(AgilerUnavailable, match="timed out") as caught:
        client.get_billing()
    assert caught.value.may_have_been_applied is False  # a read applies nothing


def test_a_truncated_download_raises_instead_of_looking_complete(
    http_client: AgilerClient, served: Any
) -> None:
    project = http_client.list_projects().items[0].id
    backup = http_client.list_backups(project).items[0].id
    served.app.faults.add(
        fault(operation="download_backup_database", truncate_after_bytes=100, times=1)
    )
    with (
        http_client.download_backup_database(project, backup) as download,
        pytest.raises(AgilerUnavailable),
    ):
        for _chunk in download.iter_bytes():
            pass
    assert download.closed


def test_connection_refused_is_unavailable_and_not_applied(fake_time: FakeTime) -> None:
    import socket

    with socket.socket() as probe:  # find a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = AgilerClient(
        base_url=f"http://127.0.0.1:{port}/v1",
        token="ak_sandbox_owner",
        max_retries=1,
        sleep=fake_time.sleep,
    )
    with pytest.raises(AgilerUnavailable) as caught:
        client.delete_project("p")
    assert caught.value.may_have_been_applied is False

"""The audit hook: intent before a write (or no request at all), one outcome after it, and
sensitive reads reported; secrets never reach a summary."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from portal.agiler import AgilerClient, AgilerUnavailable, CallInfo, CallOutcome, NotFound

from .conftest import RecordingObserver, error_json, project_json

Build = Callable[..., AgilerClient]


def test_a_refused_intent_sends_nothing(wire_client: Build, observer: RecordingObserver) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    observer.refuse = True
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        wire_client(handler).delete_project("p")
    assert sent == []


def test_a_successful_write_is_announced_then_reported_once(
    wire_client: Build, observer: RecordingObserver
) -> None:
    client = wire_client(lambda request: httpx.Response(200, json=project_json(active=False)))
    client.update_project("p-1", active=False, idempotency_key="k-1")
    assert [kind for kind, _ in observer.events] == ["before_write", "after_write"]
    call = observer.of("before_write")[0]
    assert isinstance(call, CallInfo)
    assert (call.operation, call.method, call.path) == ("update_project", "PATCH", "/projects/p-1")
    assert call.path_params == {"project": "p-1"}
    assert call.summary == {"active": False}
    assert call.idempotency_key == "k-1"
    handle, outcome = observer.of("after_write")[0]  # type: ignore[misc]
    assert handle == "handle-1"
    assert (outcome.outcome, outcome.status, outcome.attempts) == ("success", 200, 1)


def test_a_refused_write_reports_failure_with_status_code_and_message(
    wire_client: Build, observer: RecordingObserver
) -> None:
    client = wire_client(
        lambda request: httpx.Response(
            404, json=error_json("not_found", "no such project"), headers={"X-Request-Id": "r-4"}
        )
    )
    with pytest.raises(NotFound):
        client.delete_project("p")
    ((_, outcome),) = observer.of("after_write")  # type: ignore[misc]
    assert isinstance(outcome, CallOutcome)
    assert (
        outcome.outcome,
        outcome.status,
        outcome.error_code,
        outcome.error_message,
        outcome.request_id,
    ) == ("failure", 404, "not_found", "no such project", "r-4")


def test_a_lost_answer_after_retries_is_reported_once_as_unknown(
    wire_client: Build, observer: RecordingObserver
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer")

    with pytest.raises(AgilerUnavailable) as caught:
        wire_client(handler, max_retries=2).create_backup("p")
    assert caught.value.may_have_been_applied is True
    outcomes = observer.of("after_write")
    assert len(outcomes) == 1
    _, outcome = outcomes[0]  # type: ignore[misc]
    assert (outcome.outcome, outcome.status, outcome.attempts) == ("unknown", None, 3)


def test_a_write_that_never_connected_is_a_failure_not_unknown(
    wire_client: Build, observer: RecordingObserver
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(AgilerUnavailable):
        wire_client(handler, max_retries=0).create_backup("p")
    _, outcome = observer.of("after_write")[0]  # type: ignore[misc]
    assert outcome.outcome == "failure"


def test_reads_are_not_audited_but_downloads_are(
    wire_client: Build, observer: RecordingObserver
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/database"):
            return httpx.Response(
                200,
                content=b"dump",
                headers={
                    "Content-Type": "application/gzip",
                    "Content-Disposition": 'attachment; filename="db.sql.gz"',
                },
            )
        return httpx.Response(200, json=project_json())

    client = wire_client(handler)
    client.get_project("p")
    assert observer.events == []
    with client.download_backup_database("p", "b") as download:
        assert b"".join(download.iter_bytes()) == b"dump"
    ((call, outcome),) = observer.of("sensitive_read")  # type: ignore[misc]
    assert call.operation == "download_backup_database"
    assert call.path_params == {"project": "p", "backup": "b"}
    assert outcome.outcome == "success"


def test_a_failed_download_is_reported_as_a_failed_sensitive_read(
    wire_client: Build, observer: RecordingObserver
) -> None:
    client = wire_client(lambda r: httpx.Response(404, json=error_json("not_found", "gone")))
    with pytest.raises(NotFound):
        client.download_statement("2024-01")
    ((call, outcome),) = observer.of("sensitive_read")  # type: ignore[misc]
    assert (call.operation, outcome.outcome, outcome.status) == (
        "download_statement",
        "failure",
        404,
    )


@pytest.mark.parametrize("sensitive", [True, False, None])
def test_a_variable_value_is_redacted_whatever_its_sensitivity(
    wire_client: Build, observer: RecordingObserver, sensitive: bool | None
) -> None:
    body = {"id": "0193aaaa-0000-7000-8000-0000000000c1", "name": "DB_PASSWORD", "sensitive": True}
    client = wire_client(lambda request: httpx.Response(200, json=body))
    kwargs = {} if sensitive is None else {"sensitive": sensitive}
    client.update_variable("p", "v", value="hunter2", **kwargs)  # type: ignore[arg-type]
    call = observer.of("before_write")[0]
    assert isinstance(call, CallInfo)
    assert call.summary["value"] == "[redacted]"
    assert "hunter2" not in repr(call)


def test_a_non_sensitive_variable_value_is_redacted_too(
    wire_client: Build, observer: RecordingObserver
) -> None:
    """Values never reach the audit log, sensitive or not (support reads the log, not values)."""
    body = {
        "id": "0193aaaa-0000-7000-8000-0000000000c1",
        "name": "APP_ENV",
        "sensitive": False,
        "value": "staging",
    }
    client = wire_client(lambda request: httpx.Response(201, json=body))
    client.create_variable("p", name="APP_ENV", value="staging", sensitive=False)
    call = observer.of("before_write")[0]
    assert isinstance(call, CallInfo)
    assert call.summary == {"name": "APP_ENV", "value": "[redacted]", "sensitive": False}


def test_an_upload_summary_has_its_size_not_its_content(
    wire_client: Build, observer: RecordingObserver
) -> None:
    entry = {
        "name": "a.txt",
        "path": "a.txt",
        "is_dir": False,
        "size": 6,
        "modified_at": "2025-01-02T03:04:05Z",
    }
    client = wire_client(lambda request: httpx.Response(201, json=entry))
    client.put_file("p", "a.txt", b"secret", if_none_match="*")
    call = observer.of("before_write")[0]
    assert isinstance(call, CallInfo)
    assert call.summary == {"if_none_match": "*", "content_length": 6}

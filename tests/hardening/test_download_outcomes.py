"""Downloads are audited when their stream ends, with the bytes relayed and whether they
completed; a failure before the first byte is a proper error page (issue 15, item 4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.agiler import AgilerUnavailable
from portal.audit.models import AuditEvent
from tests.helpers import client_for, close_as_the_server_does

MB = 1024 * 1024


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """The attack's case: a 3 MB database dump."""
    return {"dump_size": 3 * MB}


@pytest.fixture
def url(project: Any, direct: Any) -> str:
    """Where the operator downloads the database dump of a finished backup."""
    backup = next(b for b in direct.list_backups(project.id).items if b.status == "done")
    return reverse("backups:download_database", args=[project.id, backup.id])


@pytest.fixture
def as_operator(tokened_cast: Any) -> Client:
    return client_for(tokened_cast["operator"])


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="backups.download_database").order_by("id"))


def test_a_complete_download_records_its_bytes_when_the_stream_ends(  # type: ignore[no-untyped-def]
    url, as_operator
) -> None:
    response = as_operator.get(url)
    assert _events() == []  # the headers prove nothing: no row yet
    body = b"".join(response.streaming_content)
    [event] = _events()
    assert event.outcome == "success"
    assert event.summary["bytes_sent"] == len(body) and event.summary["completed"] is True


def test_a_download_broken_before_its_first_byte_is_an_error_page_with_csp(  # type: ignore[no-untyped-def]
    sandbox, url, as_operator
) -> None:
    sandbox.faults.add(
        FaultRule(operation="download_backup_database", truncate_after_bytes=0, times=1)
    )
    response = as_operator.get(url)
    # (Over HTTP the headers arrive first, then the body breaks: "The download broke off";
    # the in-process transport fails at send: "unreachable". Either way, a page of ours.)
    assert response.status_code in (502, 503)
    page = response.content.decode()
    assert "<html" in page and "Nothing was" in page
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [event] = _events()
    assert event.outcome == "failure"
    assert event.summary.get("bytes_sent", 0) == 0 and event.summary.get("completed") is not True


def test_a_download_cut_midway_is_audited_incomplete_never_success(  # type: ignore[no-untyped-def]
    sandbox, url, as_operator
) -> None:
    sandbox.faults.add(
        FaultRule(operation="download_backup_database", truncate_after_bytes=MB, times=1)
    )
    response = as_operator.get(url)
    assert response.status_code == 200  # the status line went out with the first chunk
    declared = int(response.headers["Content-Length"])
    received = 0
    with pytest.raises(AgilerUnavailable):  # the server aborts the connection here
        for chunk in response.streaming_content:
            received += len(chunk)
    assert received == MB < declared == 3 * MB
    [event] = _events()
    assert event.outcome == "failure" and event.status == 200
    assert event.summary == {**event.summary, "bytes_sent": MB, "completed": False}
    assert f"after {MB} bytes" in event.error_message or f"{MB} of" in event.error_message


def test_a_download_the_browser_abandons_is_audited_incomplete(  # type: ignore[no-untyped-def]
    url, as_operator
) -> None:
    response = as_operator.get(url)
    next(iter(response.streaming_content))
    close_as_the_server_does(response)
    [event] = _events()
    assert event.outcome == "failure" and event.summary["completed"] is False

"""Downloads: the dump and the archive relayed as streams, named, audited; failures are pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.agiler import AgilerUnavailable
from portal.audit.models import AuditEvent
from tests.helpers import a_project, client_for


def _done_backup(direct: Any, project: Any) -> Any:
    return next(b for b in direct.list_backups(project.id).items if b.status == "done")


def test_database_dump_is_streamed_with_type_length_and_a_sensible_name(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    with direct.download_backup_database(project.id, backup.id) as original:
        expected = b"".join(original.iter_bytes())
    url = reverse("backups:download_database", args=[project.id, backup.id])
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["Content-Length"] == str(len(expected))
    stamp = f"{backup.created_at:%Y%m%d-%H%M%S}"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{project.name}-{stamp}-database.sql.gz"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == expected
    event = AuditEvent.objects.get(action="backups.download_database")
    assert event.outcome == "success" and event.target_id == backup.id
    assert event.actor_username == "otto" and event.project_id == project.id


def test_storage_archive_is_streamed_as_tar_gz(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    url = reverse("backups:download_storage", args=[project.id, backup.id])
    response = client_for(tokened_cast["admin"]).get(url)
    assert response.status_code == 200
    assert re.search(r'-storage\.tar\.gz"$', response.headers["Content-Disposition"])
    body = b"".join(response.streaming_content)
    assert body[:2] == b"\x1f\x8b" and len(body) == int(response.headers["Content-Length"])
    assert AuditEvent.objects.get(action="backups.download_storage").outcome == "success"


@pytest.mark.parametrize(("status", "ours"), [(403, 403), (404, 404), (429, 429), (500, 502)])
def test_an_upstream_failure_before_the_first_byte_is_an_error_page_and_audited(
    tokened_cast, sandbox, direct, status, ours
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    sandbox.faults.add(FaultRule(operation="download_backup_database", status=status, times=1))
    url = reverse("backups:download_database", args=[project.id, backup.id])
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == ours
    assert "<html" in response.content.decode()
    event = AuditEvent.objects.get(action="backups.download_database")
    assert event.outcome == "failure" and event.status == status


def test_a_download_cut_off_midway_never_looks_complete(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    sandbox.faults.add(
        FaultRule(operation="download_backup_storage", truncate_after_bytes=100, times=1)
    )
    url = reverse("backups:download_storage", args=[project.id, backup.id])
    response = client_for(tokened_cast["operator"]).get(url)
    if response.status_code == 200:  # the first read arrived whole: the stream breaks later
        with pytest.raises(AgilerUnavailable):
            b"".join(response.streaming_content)
    else:  # broken before the first byte: an error page (read before any header is sent)
        assert response.status_code == 502
        assert "The download broke off" in response.content.decode()
    event = AuditEvent.objects.get(action="backups.download_storage")
    assert event.outcome == "failure" and event.summary["completed"] is False


def test_an_unknown_backup_is_a_404_before_asking_for_bytes(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    url = reverse("backups:download_database", args=[project.id, "no-such-backup"])
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="backups.download_database").exists()


def test_an_unfinished_backup_cannot_be_downloaded(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    created = direct.create_backup(project.id)
    url = reverse("backups:download_database", args=[project.id, created.id])
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == 409
    assert "only a finished backup" in response.content.decode()


@pytest.mark.parametrize("role", ["support", "finance"])
def test_support_and_finance_download_nothing(tokened_cast, sandbox, direct, role) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    for name in ("backups:download_database", "backups:download_storage"):
        response = client_for(tokened_cast[role]).get(reverse(name, args=[project.id, backup.id]))
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="backups.download").exists()


@pytest.mark.parametrize("name", ["backups:download_database", "backups:download_storage"])
def test_backup_downloads_are_sandboxed_attachments_never_sniffed(
    tokened_cast, sandbox, direct, name
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    response = client_for(tokened_cast["operator"]).get(reverse(name, args=[project.id, backup.id]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    b"".join(response.streaming_content)


def test_a_backup_agiler_labels_as_html_is_relayed_as_opaque_bytes(
    tokened_cast, sandbox, direct, settings
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    inner = settings.AGILER_TRANSPORT

    class Retyped(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = inner.handle_request(request)
            if not request.url.path.endswith("/database") or response.status_code != 200:
                return response
            body = response.read()
            return httpx.Response(200, headers={"Content-Type": "text/html"}, content=body)

    project = a_project(sandbox)
    backup = _done_backup(direct, project)
    settings.AGILER_TRANSPORT = Retyped()
    url = reverse("backups:download_database", args=[project.id, backup.id])
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    b"".join(response.streaming_content)

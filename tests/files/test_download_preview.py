"""Downloads stream the exact bytes under safe headers and are audited with the bytes sent and
whether they completed; previews show text (escaped, numbered), images, or offer a download."""

from __future__ import annotations

import os

from django.http import StreamingHttpResponse
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from portal.files.views import TEXT_PREVIEW_CAP
from tests.helpers import browse, client_for, close_as_the_server_does


def _download_url(project, path: str) -> str:  # type: ignore[no-untyped-def]
    return reverse("files:download", kwargs={"project": project.id, "path": path})


def test_a_download_streams_the_exact_bytes_under_safe_headers(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(300_000)
    direct.put_file(project.id, "deep/er/Größe ü 日本.bin", data)
    response = client_for(tokened_cast["support"]).get(
        _download_url(project, "deep/er/Größe ü 日本.bin")
    )
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%C3%BC%20%E6%97%A5%E6%9C%AC.bin" in disposition
    assert b"".join(response.streaming_content) == data
    close_as_the_server_does(response)
    read = AuditEvent.objects.get(action="files.download")
    assert read.outcome == "success" and read.target_id == "deep/er/Größe ü 日本.bin"
    sent = AuditEvent.objects.get(action="files.download_sent")
    assert sent.outcome == "success" and sent.actor_username == "sam"
    assert sent.summary["bytes_sent"] == len(data) and sent.summary["completed"] is True


def test_a_download_the_person_abandons_is_recorded_as_incomplete(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    direct.put_file(project.id, "big.bin", b"z" * (1024 * 1024))
    response = client_for(tokened_cast["operator"]).get(_download_url(project, "big.bin"))
    stream = iter(response.streaming_content)
    first = next(stream)
    close_as_the_server_does(response)  # the browser went away
    sent = AuditEvent.objects.get(action="files.download_sent")
    assert sent.outcome == "failure"
    assert sent.summary == {
        "bytes_sent": len(first),
        "expected_bytes": 1024 * 1024,
        "completed": False,
    }


def test_a_download_cut_off_upstream_never_looks_complete(
    tokened_cast, project, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    direct.put_file(project.id, "cut.bin", b"y" * 500_000)
    sandbox.faults.add(FaultRule(operation="get_file", truncate_after_bytes=1000, times=1))
    response = client_for(tokened_cast["operator"]).get(_download_url(project, "cut.bin"))
    body = b""
    try:
        for chunk in response.streaming_content:
            body += chunk
    except Exception as error:  # noqa: BLE001 - the WSGI server aborts the connection
        assert "ended after" in str(error) or "broke off" in str(error)
    assert len(body) < 500_000
    sent = AuditEvent.objects.get(action="files.download_sent")
    assert sent.summary["completed"] is False


def test_a_folder_is_not_downloadable_and_says_why(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(_download_url(project, "wp-content"))
    assert response.status_code == 400
    assert "is a folder" in response.content.decode()


def test_text_is_previewed_escaped_with_line_numbers(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    direct.put_file(project.id, "notes.txt", b"first line\n<script>alert(1)</script>\nthird")
    html = client_for(tokened_cast["support"]).get(browse(project, "notes.txt", folder=False))
    body = html.content.decode()
    assert body.count('class="files-line"') == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body


def test_text_over_the_cap_and_binaries_offer_a_download(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    direct.put_file(project.id, "huge.log", b"x" * (TEXT_PREVIEW_CAP + 1))
    direct.put_file(project.id, "blob.bin", b"\x00\x01\x02")
    client = client_for(tokened_cast["operator"])
    huge = client.get(browse(project, "huge.log", folder=False)).content.decode()
    assert "Too large to show here" in huge and 'data-testid="text-preview"' not in huge
    blob = client.get(browse(project, "blob.bin", folder=False)).content.decode()
    assert "No preview for this kind of file" in blob and "Download blob.bin" in blob


def test_an_image_is_shown_from_its_own_protected_url(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    path = "wp-content/uploads/2024/05/Team photo.jpg"
    client = client_for(tokened_cast["operator"])
    page = client.get(browse(project, path, folder=False)).content.decode()
    assert 'data-testid="image-preview"' in page
    raw = client.get(reverse("files:raw", kwargs={"project": project.id, "path": path}))
    assert raw.headers["Content-Type"] == "image/jpeg"
    assert raw.headers["Content-Disposition"].startswith("inline;")
    assert raw.headers["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(raw.streaming_content)[:3] == b"\xff\xd8\xff"

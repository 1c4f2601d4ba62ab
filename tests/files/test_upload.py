"""Uploads: the body streamed to Agiler, never replacing by accident (If-None-Match: *), a
"Replace?" answer on an existing name, Agiler's size limit in words, and the no-JS form."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.helpers import browse, client_for, stored


def _upload_url(project: Any, folder: str = "") -> str:
    return reverse("files:upload", kwargs={"project": project.id, "path": folder})


def _send(client: Any, project: Any, folder: str, name: str, data: bytes, **query: str) -> Any:
    from urllib.parse import urlencode

    url = _upload_url(project, folder) + "?" + urlencode({"name": name, **query})
    # As static/js/files.js sends it: raw bytes, answered in JSON.
    return client.post(
        url, data=data, content_type="application/octet-stream", HTTP_ACCEPT="application/json"
    )


def test_a_raw_upload_lands_byte_for_byte_in_the_folder(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(5 * 1024 * 1024)
    client = client_for(tokened_cast["operator"])
    response = _send(client, project, "nested/deeper", "Größe ü 日本.bin", data)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "done"
    assert "5.0 MiB" in response.json()["message"]
    assert stored(direct, project, "nested/deeper/Größe ü 日本.bin") == data
    event = AuditEvent.objects.get(action="files.put", outcome="success")
    assert event.target_id == "nested/deeper/Größe ü 日本.bin"
    assert event.summary["content_length"] == len(data)
    assert event.summary["if_none_match"] == "*"
    # and back through the portal's download, the same bytes
    url = reverse(
        "files:download", kwargs={"project": project.id, "path": "nested/deeper/Größe ü 日本.bin"}
    )
    assert b"".join(client.get(url).streaming_content) == data


def test_an_existing_name_asks_before_replacing(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    assert _send(client, project, "", "robots.txt", b"new").status_code == 412
    answer = _send(client, project, "", "robots.txt", b"new").json()
    assert answer["outcome"] == "exists" and "Replace it?" in answer["message"]
    assert stored(direct, project, "robots.txt").startswith(b"User-agent")
    replaced = _send(client, project, "", "robots.txt", b"new", replace="1")
    assert replaced.json()["outcome"] == "done"
    assert stored(direct, project, "robots.txt") == b"new"


@pytest.mark.parametrize("name", ["", "..", "a/b", "x\x00y"])
def test_a_bad_file_name_is_refused_in_words(tokened_cast, project, name: str) -> None:  # type: ignore[no-untyped-def]
    response = _send(client_for(tokened_cast["operator"]), project, "", name, b"x")
    assert response.status_code == 400
    assert response.json()["outcome"] == "failed" and response.json()["message"]


def test_the_form_without_javascript_uploads_several_files(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    files = [
        SimpleUploadedFile("one.txt", b"1"),
        SimpleUploadedFile("Q1 report ñ.txt", b"2" * 3_000_000),
        SimpleUploadedFile("robots.txt", b"not replaced"),
    ]
    response = client.post(_upload_url(project, "docs"), {"files": files}, follow=True)
    html = response.content.decode()
    assert "“one.txt” uploaded" in html and "“Q1 report ñ.txt” uploaded" in html
    assert stored(direct, project, "docs/Q1 report ñ.txt") == b"2" * 3_000_000
    assert response.redirect_chain[-1][0] == browse(project, "docs")
    again = client.post(
        _upload_url(project, "docs"), {"files": [SimpleUploadedFile("one.txt", b"9")]}, follow=True
    )
    assert "already exists in this folder; tick “Replace”" in again.content.decode()


def test_support_may_not_upload(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = _send(client_for(tokened_cast["support"]), project, "", "x.txt", b"x")
    assert response.status_code == 403

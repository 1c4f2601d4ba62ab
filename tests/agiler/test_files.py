"""Project files against the sandbox: listings, downloads, streamed uploads, move/copy."""

from __future__ import annotations

import io

import pytest

from portal.agiler import (
    AgilerClient,
    AgilerResponseError,
    FileDownload,
    NotFound,
    Page,
    PreconditionFailed,
    ProjectFileEntry,
)
from tests.helpers import RecordingObserver, RecordingTransport


def test_the_root_and_a_directory_list_as_pages(
    client: AgilerClient,
    project_id: str,
    wire: RecordingTransport,
    observer: RecordingObserver,
) -> None:
    root = client.list_files(project_id)
    assert all(isinstance(e, ProjectFileEntry) for e in root)
    assert wire.last.url.path == f"/v1/projects/{project_id}/files"
    directory = next(e for e in root if e.is_dir)
    listing = client.get_file(project_id, directory.path)
    assert isinstance(listing, Page)
    assert all(e.path.startswith(directory.path + "/") for e in listing)
    assert client.list_directory(project_id, directory.path) == listing
    assert observer.of("sensitive_read") == []  # listings are not sensitive reads


def test_a_file_downloads_as_a_stream_and_is_audited(
    client: AgilerClient, project_id: str, observer: RecordingObserver
) -> None:
    result = client.get_file(project_id, "wp-config.php")
    assert isinstance(result, FileDownload)
    with result as download:
        assert download.headers.last_modified is not None
        assert b"<?php" in b"".join(download.iter_bytes())
    ((call, _),) = observer.of("sensitive_read")  # type: ignore[misc]
    assert call.path_params == {"project": project_id, "path": "wp-config.php"}


def test_list_directory_on_a_file_is_a_clear_error(client: AgilerClient, project_id: str) -> None:
    with pytest.raises(AgilerResponseError, match="is a file"):
        client.list_directory(project_id, "wp-config.php")


def test_upload_a_file_with_spaces_and_non_ascii_then_read_it_back(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    path = "wp-content/uploads/Été 2025/naïve résumé.txt"
    entry = client.put_file(project_id, path, io.BytesIO(b"bonjour"))
    assert entry.path == path and entry.size == 7
    request = wire.last
    assert request.method == "PUT"
    assert request.url.raw_path.decode() == (
        f"/v1/projects/{project_id}/files/wp-content/uploads/%C3%89t%C3%A9%202025/"
        "na%C3%AFve%20r%C3%A9sum%C3%A9.txt"
    )
    assert request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["Idempotency-Key"]
    download = client.get_file(project_id, path)
    assert isinstance(download, FileDownload)
    with download:
        assert b"".join(download.iter_bytes()) == b"bonjour"


def test_a_json_file_downloads_as_a_file_not_a_listing(
    client: AgilerClient, project_id: str
) -> None:
    client.put_file(project_id, "composer.json", b'[{"name": "x"}]')
    result = client.get_file(project_id, "composer.json")
    assert isinstance(result, FileDownload)
    result.close()


def test_if_none_match_refuses_to_overwrite(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    with pytest.raises(PreconditionFailed) as caught:
        client.put_file(project_id, "wp-config.php", b"x", if_none_match="*")
    assert caught.value.status == 412
    assert wire.last.headers["If-None-Match"] == "*"


def test_move_and_copy_send_encoded_source_headers_and_no_body(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    client.put_file(project_id, "notes/a b.txt", b"hello")
    copied = client.put_file(project_id, "notes/copy é.txt", copy_source="notes/a b.txt")
    assert wire.last.headers["X-Copy-Source"] == "notes/a%20b.txt"
    assert wire.last.content == b""
    assert copied.size == 5
    client.put_file(project_id, "notes/moved.txt", move_source="notes/copy é.txt")
    assert wire.last.headers["X-Move-Source"] == "notes/copy%20%C3%A9.txt"
    with pytest.raises(NotFound):
        client.get_file(project_id, "notes/copy é.txt")


def test_delete_a_directory(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    client.put_file(project_id, "tmp/x.txt", b"x")
    client.delete_file(project_id, "tmp")
    assert (wire.last.method, wire.last.url.path) == (
        "DELETE",
        f"/v1/projects/{project_id}/files/tmp",
    )
    with pytest.raises(NotFound):
        client.get_file(project_id, "tmp/x.txt")


def test_put_file_needs_exactly_one_of_content_or_a_source(
    client: AgilerClient, project_id: str
) -> None:
    with pytest.raises(ValueError):
        client.put_file(project_id, "a.txt")
    with pytest.raises(ValueError):
        client.put_file(project_id, "a.txt", b"x", move_source="b.txt")

"""Downloads stream chunk by chunk, expose their headers, and always close."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from portal.agiler import AgilerClient, AgilerUnavailable, FileDownload, Page
from portal.agiler.downloads import parse_content_disposition, proxy_keeps
from tests.helpers import RecordingObserver

Build = Callable[..., AgilerClient]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="db dump.sql.gz"', "db dump.sql.gz"),
        ("attachment; filename=plain.pdf", "plain.pdf"),
        (
            "attachment; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20%E2%82%AC.txt",
            "naïve €.txt",
        ),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="a\\"b.txt"', 'a"b.txt'),
        ("inline", None),
        (None, None),
    ],
)
def test_content_disposition_filename_prefers_rfc5987_and_drops_directories(
    header: str | None, name: str | None
) -> None:
    assert parse_content_disposition(header) == name


class CountingStream(httpx.SyncByteStream):
    """A response body that records how far it was read and whether it was closed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk

    def close(self) -> None:
        self.closed = True


def test_a_download_exposes_headers_before_reading_and_streams_in_chunks(
    wire_client: Build,
) -> None:
    stream = CountingStream([b"a" * 10, b"b" * 10, b"c" * 10])
    client = wire_client(
        lambda request: httpx.Response(
            200,
            stream=stream,
            headers={
                "Content-Type": "application/gzip",
                "Content-Length": "30",
                "Content-Disposition": 'attachment; filename="x.sql.gz"',
            },
        )
    )
    with client.download_backup_database("p", "b") as download:
        assert download.headers.content_type == "application/gzip"
        assert download.headers.content_length == 30
        assert download.headers.filename == "x.sql.gz"
        assert stream.read == 0  # nothing read yet: headers only
        chunks = download.iter_bytes(10)
        assert next(chunks) == b"a" * 10
        assert stream.read == 1
        assert b"".join(chunks) == b"b" * 10 + b"c" * 10
    assert stream.closed


def test_leaving_the_context_without_reading_closes_the_stream(wire_client: Build) -> None:
    stream = CountingStream([b"x"])
    client = wire_client(lambda request: httpx.Response(200, stream=stream))
    with client.download_backup_storage("p", "b"):
        pass
    assert stream.closed and stream.read == 0


def test_closing_the_iterator_early_closes_the_stream(wire_client: Build) -> None:
    # Django's StreamingHttpResponse calls close() on the iterator when the client goes away.
    stream = CountingStream([b"1", b"2", b"3"])
    download = wire_client(lambda request: httpx.Response(200, stream=stream)).download_statement(
        "2025-01"
    )
    chunks = download.iter_bytes()
    next(chunks)
    chunks.close()  # type: ignore[attr-defined]
    assert stream.closed


def test_a_body_shorter_than_its_content_length_is_an_error_not_a_complete_file(
    wire_client: Build,
) -> None:
    client = wire_client(
        lambda request: httpx.Response(
            200, stream=CountingStream([b"abc"]), headers={"Content-Length": "10"}
        )
    )
    with (
        client.download_backup_database("p", "b") as download,
        pytest.raises(AgilerUnavailable, match="3 of 10"),
    ):
        b"".join(download.iter_bytes())


def test_a_download_can_be_read_only_once(wire_client: Build) -> None:
    client = wire_client(lambda request: httpx.Response(200, content=b"x"))
    with client.download_statement("2025-01") as download:
        b"".join(download.iter_bytes())
        with pytest.raises(RuntimeError):
            download.iter_bytes()


def test_get_file_is_a_download_for_a_file_and_a_page_for_a_directory(
    wire_client: Build,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/themes"):
            return httpx.Response(
                200,
                json=[
                    {
                        "name": "t",
                        "path": "themes/t",
                        "is_dir": True,
                        "size": 0,
                        "modified_at": "2025-01-01T00:00:00Z",
                    }
                ],
            )
        return httpx.Response(200, content=b"<?php", headers={"Content-Type": "text/x-php"})

    client = wire_client(handler)
    listing = client.get_file("p", "themes")
    assert isinstance(listing, Page) and listing.items[0].is_dir
    document = client.get_file("p", "wp-config.php")
    assert isinstance(document, FileDownload)
    with document:
        assert b"".join(document.iter_bytes()) == b"<?php"


# --- handing a download to the web server in front (X-Accel-Redirect) ---------------------------


def test_a_download_handed_off_is_closed_unread_and_reported_as_handed_over(
    wire_client: Build, observer: RecordingObserver
) -> None:
    stream = CountingStream([b"a" * 10, b"b" * 10])
    client = wire_client(lambda request: httpx.Response(200, stream=stream))
    download = client.download_backup_database("p 1", "b")
    handoff = download.hand_off("/_agiler/")
    assert handoff is not None
    assert handoff.location == "/_agiler/projects/p%201/backups/b/database"
    assert handoff.authorization.reveal() == "Bearer ak_wire_token"
    assert "ak_wire_token" not in repr(handoff) and "ak_wire_token" not in str(handoff)
    assert stream.closed and stream.read == 0 and download.closed
    [(call, outcome)] = observer.of("sensitive_read")  # type: ignore[misc]
    assert outcome.outcome == "success" and call.summary == {"handed_off": True}
    with pytest.raises(RuntimeError):
        download.iter_bytes()  # nginx has it now


def test_a_download_already_read_is_not_handed_off(wire_client: Build) -> None:
    client = wire_client(lambda request: httpx.Response(200, content=b"x"))
    with client.download_statement("2025-01") as download:
        b"".join(download.iter_bytes())
        assert download.hand_off("/_agiler/") is None


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/projects/p/backups/b/database", True),
        ("/projects/p/files/Caf%C3%A9%20%281%29.txt", True),  # non-ASCII, space, ( ): same
        ("/projects/p/files/a%2Bb%26c%3Dd%40e.txt", True),  # nginx sends + & = @ as they are
        ("/projects/p/files/100%25.txt", False),  # nginx decodes "%" again
        ("/projects/p/files/why%3F.txt", False),  # would become a query string
        ("/projects/a%2Fb/backups/b/database", False),  # an id's "/" would become a separator
        ("/projects/p/files/a%3Bb.txt", False),  # some servers read ";" as a path parameter
        ("/projects/p/files/a%22b.txt", False),  # sent raw, not a valid URL character
        ("/projects/p/files/nul%00.txt", False),
        ("/projects/p/files/%2E%2E/secret", False),
        ("/projects/p/files/%ZZ", False),
    ],
)
def test_only_an_address_nginx_passes_on_unchanged_is_handed_off(path: str, kept: bool) -> None:
    assert proxy_keeps(path) is kept

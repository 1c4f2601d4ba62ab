"""Downloads stream chunk by chunk, expose their headers, and always close."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from portal.agiler import AgilerClient, AgilerUnavailable, FileDownload, Page
from portal.agiler.downloads import parse_content_disposition

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

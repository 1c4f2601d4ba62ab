"""File downloads served from the portal's origin: the headers every one of them carries.

A relayed body is chosen by Agiler, not by us. Served from our origin it could be HTML (phishing
on our domain) or JavaScript (an allowed ``script-src 'self'`` source, bypassing the CSP). So
every download, relayed or generated here, gets a sandboxing CSP and ``nosniff``, and a relay
names its own type and disposition instead of passing on Agiler's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from portal.agiler.downloads import FileDownload

#: No script, no plugin, no same-origin access, nothing loaded: a body that is opened inline
#: (or sniffed as HTML by some client) cannot act as a page of the portal.
DOWNLOAD_CSP = "sandbox; default-src 'none'"
#: A PDF shown in the tab: Chromium's built-in viewer styles the document it draws with inline
#: styles, which ``default-src 'none'`` refuses, one "inline style" CSP violation per opening
#: (what finance saw in the console after opening a statement). Styles cannot run code, and the
#: sandbox and the lack of any script source still keep the body from acting as a portal page.
INLINE_PDF_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"

#: Archive types a backup may keep; anything else is relayed as opaque bytes.
ARCHIVE_TYPES = frozenset(
    {
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-gtar",
        "application/sql",
        "application/zip",
        "application/octet-stream",
    }
)

OPAQUE = "application/octet-stream"

Response = TypeVar("Response", bound=HttpResponseBase)


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type value (parameters dropped)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def allowed_type(content_type: str | None, allowed: Iterable[str]) -> str:
    """``content_type``'s media type when it is one of ``allowed``, else opaque bytes."""
    kind = media_type(content_type)
    return kind if kind in set(allowed) else OPAQUE


def protect(response: Response) -> Response:
    """Add the headers every file download carries (sandbox CSP, nosniff, not cached)."""
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    if "Cache-Control" not in response:
        response["Cache-Control"] = "private, no-store"
    return response


class _Stream:
    """The relayed body: the prefetched first chunk, then the rest. Django calls ``close()``
    when the response is done (complete or abandoned by the browser), which closes the
    download and so records its outcome; a body nobody closed records nothing when collected."""

    def __init__(self, first: bytes, rest: Iterator[bytes], download: FileDownload) -> None:
        self._first, self._rest, self._download = first, rest, download

    def __iter__(self) -> Iterator[bytes]:
        if self._first:
            first, self._first = self._first, b""
            yield first
        yield from self._rest

    def close(self) -> None:
        close = getattr(self._rest, "close", None)
        if close is not None:
            close()
        self._download.close()  # after a complete stream the outcome is already recorded


def relay(
    download: FileDownload,
    *,
    content_type: str,
    filename: str,
    inline: bool = False,
    chunk_size: int | None = None,
) -> StreamingHttpResponse:
    """Stream an open Agiler download under our own type, name and disposition, protected.

    ``content_type`` is the caller's decision (never Agiler's header passed through blindly);
    ``inline`` is for types a browser shows safely (PDF), everything else is an attachment.
    Bytes are passed on as the connection delivers them (``chunk_size=None``: no re-chunking,
    the relay's main CPU cost after the socket reads; BENCHMARKS.md, relay).

    The first chunk is read here, before any header is sent: a download that fails before its
    first byte raises (the view's error page, with the CSP and nosniff) instead of becoming the
    server's bare 500. A failure later cannot change the status line any more: the stream then
    raises, the server aborts the connection, and with the announced Content-Length (or the
    missing last chunk) the browser marks the download failed; the audit row, written when the
    stream ends, says "incomplete" with the bytes relayed.
    """
    chunks = download.iter_bytes(chunk_size)
    try:
        first = next(chunks)
    except StopIteration:  # an empty file, complete
        first = b""
    except BaseException:
        download.close()
        raise
    response = StreamingHttpResponse(_Stream(first, chunks, download), content_type=content_type)
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    if download.headers.content_length is not None:
        response["Content-Length"] = str(download.headers.content_length)
    protect(response)
    if inline and media_type(content_type) == "application/pdf":
        response["Content-Security-Policy"] = INLINE_PDF_CSP
    return response

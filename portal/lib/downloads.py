"""File downloads served from the portal's origin: the headers every one of them carries, and
who pumps the bytes.

A relayed body is chosen by Agiler, not by us. Served from our origin it could be HTML (phishing
on our domain) or JavaScript (an allowed ``script-src 'self'`` source, bypassing the CSP). So
every download, relayed or generated here, gets a sandboxing CSP and ``nosniff``, and a relay
names its own type and disposition instead of passing on Agiler's.

The bytes of an Agiler download are relayed by the portal (``relay``), or, behind nginx with
``PORTAL_RELAY_VIA_PROXY`` on, handed to nginx to fetch and send itself (X-Accel-Redirect to its
internal Agiler location, deploy/nginx/portal.conf.template): same headers, same error pages,
no Python in the byte path (BENCHMARKS.md, relay).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from portal.lib.client_ip import from_trusted_proxy

if TYPE_CHECKING:
    from portal.agiler.downloads import FileDownload, HandOff

logger = logging.getLogger(__name__)

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

#: nginx's internal location that proxies to the Agiler API base URL (the template's
#: ``location /_agiler/``): a hand-off redirects there.
PROXY_LOCATION = "/_agiler/"
#: The private response headers of a hand-off. nginx reads them in its internal location and
#: never passes a header of an X-Accel-Redirect answer on to the browser (the template hides
#: them too): the Authorization value for Agiler, and our Content-Disposition, which nginx adds
#: to a successful answer only (copied as such, it would also name nginx's error page a file).
PROXY_AUTHORIZATION = "X-Agiler-Authorization"
PROXY_DISPOSITION = "X-Portal-Disposition"

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
    download and so records its outcome; a body nobody closed records nothing when collected.
    ``on_sent(bytes, completed)`` hears, at that close, what was handed to the server."""

    def __init__(
        self,
        first: bytes,
        rest: Iterator[bytes],
        download: FileDownload,
        on_sent: Callable[[int, bool], None] | None,
    ) -> None:
        self._first, self._rest, self._download = first, rest, download
        self._on_sent = on_sent
        self._sent = 0
        self._ended = False

    def __iter__(self) -> Iterator[bytes]:
        if self._first:
            first, self._first = self._first, b""
            self._sent += len(first)  # handed to the server: counted even if the person leaves
            yield first
        for chunk in self._rest:
            self._sent += len(chunk)
            yield chunk
        self._ended = True

    def close(self) -> None:
        close = getattr(self._rest, "close", None)
        if close is not None:
            close()
        self._download.close()  # after a complete stream the outcome is already recorded
        on_sent, self._on_sent = self._on_sent, None
        if on_sent is not None:
            expected = self._download.headers.content_length
            completed = self._ended and (expected is None or self._sent == expected)
            try:
                on_sent(self._sent, completed)
            except Exception:  # the bytes are already on their way; never break the stream
                logger.exception("could not record the end of a relayed download")


def via_proxy(request: HttpRequest) -> bool:
    """Whether this request's download may be handed to nginx: the setting is on and the request
    came from our proxy's address (a client that reached the portal directly would otherwise be
    given the redirect, and with it the credential meant for nginx)."""
    return bool(getattr(settings, "PORTAL_RELAY_VIA_PROXY", False)) and from_trusted_proxy(request)


def _handed_off(handoff: HandOff, *, content_type: str, disposition: str | None) -> HttpResponse:
    """The answer nginx acts on: an empty body, where to fetch the bytes and with what.

    nginx passes on from it only Content-Type, Cache-Control (and Content-Disposition,
    Set-Cookie, Expires, Accept-Ranges, which we send none of but the session cookie); the CSP
    and ``nosniff`` are re-added by the internal location from this answer's own values.
    """
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = handoff.location
    response[PROXY_AUTHORIZATION] = handoff.authorization.reveal()
    if disposition:
        response[PROXY_DISPOSITION] = disposition
    return response


def relay(
    download: FileDownload,
    *,
    request: HttpRequest,
    content_type: str,
    filename: str,
    inline: bool = False,
    disposition: str | None = None,
    chunk_size: int | None = None,
    on_sent: Callable[[int, bool], None] | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """Send an open Agiler download under our own type, name and disposition, protected.

    ``content_type`` is the caller's decision (never Agiler's header passed through blindly);
    ``inline`` is for types a browser shows safely (PDF), everything else is an attachment;
    ``disposition`` replaces the Content-Disposition made from ``filename`` and ``inline``.

    Agiler has already answered (the caller opened the download: a refusal, a missing file or an
    outage raised there and became the portal's page). Behind nginx (``via_proxy``) the bytes
    are then handed to nginx (``FileDownload.hand_off``): the answer is an X-Accel-Redirect, the
    audit row says the download was handed to the web server, and ``on_sent`` is not called (the
    portal sent nothing; nginx's access log has what reached the person).

    Otherwise the portal relays: bytes are passed on as the connection delivers them
    (``chunk_size=None``: no re-chunking, the relay's main CPU cost after the socket reads).
    The first chunk is read here, before any header is sent: a download that fails before its
    first byte raises (the view's error page, with the CSP and nosniff) instead of becoming the
    server's bare 500. A failure later cannot change the status line any more: the stream then
    raises, the server aborts the connection, and with the announced Content-Length (or the
    missing last chunk) the browser marks the download failed; the audit row, written when the
    stream ends, says "incomplete" with the bytes relayed.
    """
    if disposition is None:
        disposition = content_disposition_header(not inline, filename)
    handoff = download.hand_off(PROXY_LOCATION) if via_proxy(request) else None
    response: HttpResponse | StreamingHttpResponse
    if handoff is not None:
        response = _handed_off(handoff, content_type=content_type, disposition=disposition)
    else:
        chunks = download.iter_bytes(chunk_size)
        try:
            first = next(chunks)
        except StopIteration:  # an empty file, complete
            first = b""
        except BaseException:
            download.close()
            raise
        response = StreamingHttpResponse(
            _Stream(first, chunks, download, on_sent), content_type=content_type
        )
        if disposition:
            response["Content-Disposition"] = disposition
        if download.headers.content_length is not None:
            response["Content-Length"] = str(download.headers.content_length)
    protect(response)
    if inline and media_type(content_type) == "application/pdf":
        response["Content-Security-Policy"] = INLINE_PDF_CSP
    return response

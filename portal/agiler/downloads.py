"""Streamed downloads: headers up front, bytes chunk by chunk, the stream always closed.

A :class:`FileDownload` wraps an open httpx response whose headers have arrived. Nothing is read
into memory whole: ``iter_bytes`` yields chunks and closes the response when it is exhausted,
closed (``generator.close()``, which Django's StreamingHttpResponse calls), or fails. Use it as a
context manager to be sure the connection is released even if the body is never read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, unquote_to_bytes

import httpx

from ._secret import Secret
from .errors import AgilerUnavailable

__all__ = [
    "DownloadBroken",
    "DownloadHeaders",
    "FileDownload",
    "HandOff",
    "parse_content_disposition",
]

#: Key in ``httpx.Response.extensions`` under which the client leaves the callback that records
#: the download's outcome once its stream has ended: ``(bytes_relayed, problem or None,
#: handed_off)``.
ON_END = "portal.on_end"
#: Key under which the client leaves what a hand-off needs: a :class:`HandOffSource`.
HAND_OFF = "portal.hand_off"

OnEnd = Callable[[int, "str | None", bool], None]


@dataclass(frozen=True)
class HandOffSource:
    """Set by the client on a download's response: the path it asked for below the API base
    URL (None when it cannot be handed off, e.g. it has a query) and the token it asked with."""

    path: str | None
    token: Secret


@dataclass(frozen=True)
class HandOff:
    """A download for the web server in front to fetch from Agiler and send itself.

    ``location`` is the internal address to redirect to (the prefix, then the path below the API
    base URL, percent-encoded as the portal sent it); ``authorization`` is the Authorization
    value for that request, a :class:`Secret` (its repr never shows it). It is meant for that web
    server alone: never put it in a response that could reach a browser or a log.
    """

    location: str
    authorization: Secret


#: Bytes that may appear percent-encoded in a path nginx is to fetch: nginx decodes the
#: X-Accel-Redirect address and re-encodes only space, "#" and non-ASCII bytes when it proxies,
#: so these must mean the same to Agiler decoded or not (RFC 3986 sub-delims, ":" and "@").
#: Everything else ("%", "?" and "/" above all: decoded, they would change the address, and
#: nginx decodes "%" repeatedly) keeps the download in the portal's own relay. ";" too: some
#: servers read it as a path parameter.
_HANDOFF_DECODED = frozenset(b" #!$&'()*+,:=@")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def proxy_keeps(path: str) -> bool:
    """Whether nginx, given ``path`` (percent-encoded as ``build_path`` makes it) in an
    X-Accel-Redirect, asks Agiler for the same resource."""
    raw = path.encode("ascii", "replace")
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte == ord("%"):
            decoded = unquote_to_bytes(raw[i : i + 3].decode("ascii"))
            if len(decoded) != 1 or not (decoded[0] >= 0x80 or decoded[0] in _HANDOFF_DECODED):
                return False
            i += 3
            continue
        if byte not in _UNRESERVED:
            return False
        i += 1
    segments = raw.split(b"/")
    return not any(segment in (b".", b"..") for segment in segments[1:])


class DownloadBroken(AgilerUnavailable):
    """The file stopped arriving from Agiler (connection broke, or fewer bytes than announced)."""


DEFAULT_CHUNK_SIZE = 64 * 1024

_PARAM = re.compile(
    r";\s*(?P<key>[!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*"
    r'(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<token>[^;\s]*))'
)


def _safe_filename(name: str) -> str | None:
    # A server-chosen name must never become a path: keep the last component only.
    name = name.replace("\\", "/")
    base = posixpath.basename(name).strip().replace("\x00", "")
    return base if base not in {"", ".", ".."} else None


def parse_content_disposition(value: str | None) -> str | None:
    """Return the filename of a Content-Disposition header, preferring RFC 5987 ``filename*``.

    The result is reduced to a bare file name (no directories); None when absent or unusable.
    """
    if not value:
        return None
    plain: str | None = None
    extended: str | None = None
    for match in _PARAM.finditer(value):
        key = match.group("key").lower()
        raw = match.group("quoted")
        raw = re.sub(r"\\(.)", r"\1", raw) if raw is not None else match.group("token")
        if key == "filename*":
            charset, _, rest = raw.partition("'")
            _language, _, encoded = rest.partition("'")
            try:
                extended = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                extended = None
        elif key == "filename":
            plain = raw
    for candidate in (extended, plain):
        if candidate:
            safe = _safe_filename(candidate)
            if safe:
                return safe
    return None


@dataclass(frozen=True)
class DownloadHeaders:
    """What the portal needs to relay a download: type, length, suggested name, freshness."""

    content_type: str
    content_length: int | None
    filename: str | None
    last_modified: datetime | None = None
    etag: str | None = None

    @classmethod
    def from_response(cls, response: httpx.Response) -> DownloadHeaders:
        """Extract the download headers of ``response``."""
        headers = response.headers
        length: int | None
        try:
            length = int(headers["content-length"]) if "content-length" in headers else None
        except ValueError:
            length = None
        modified: datetime | None
        try:
            lm = headers.get("last-modified")
            modified = parsedate_to_datetime(lm) if lm else None
        except (TypeError, ValueError):
            modified = None
        return cls(
            content_type=headers.get("content-type", "application/octet-stream"),
            content_length=length if length is not None and length >= 0 else None,
            filename=parse_content_disposition(headers.get("content-disposition")),
            last_modified=modified,
            etag=headers.get("etag"),
        )


class FileDownload:
    """An open download: ``.headers`` now, ``.iter_bytes()`` once, closed in every case."""

    def __init__(self, response: httpx.Response, *, operation: str) -> None:
        self._response = response
        self._operation = operation
        self._consumed = False
        self._received = 0
        # Set by the client for an audited download: the outcome is recorded when the stream
        # ends (complete or not, with the bytes relayed), not when its headers arrive.
        self._on_end: OnEnd | None = response.extensions.pop(ON_END, None)
        self._source: HandOffSource | None = response.extensions.pop(HAND_OFF, None)
        self.headers = DownloadHeaders.from_response(response)
        self.status = response.status_code

    def __enter__(self) -> FileDownload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"FileDownload(operation={self._operation!r}, filename={self.headers.filename!r}, "
            f"content_length={self.headers.content_length!r}, closed={self.closed})"
        )

    @property
    def closed(self) -> bool:
        """True once the underlying connection has been released."""
        return self._response.is_closed

    def close(self) -> None:
        """Release the connection (idempotent). Closed before its end, the download is recorded
        as incomplete."""
        self._response.close()
        self._finish(f"the download was stopped after {self._received} bytes, before its end")

    def _finish(self, problem: str | None, *, handed_off: bool = False) -> None:
        """Report the outcome once: ``problem`` None means every byte was relayed (or, with
        ``handed_off``, that the web server in front took the download over)."""
        callback, self._on_end = self._on_end, None
        if callback is not None:
            callback(self._received, problem, handed_off)

    def hand_off(self, prefix: str) -> HandOff | None:
        """Give this download to the web server in front (nginx's X-Accel-Redirect), or None.

        Agiler has answered (status and headers are here: a refusal or a missing file already
        raised, so the portal's own page said so). The portal's connection is closed unread
        and the outcome is recorded as handed over: what reached the person is then in the web
        server's access log. ``prefix`` is the web server's internal location that proxies to
        the API base URL. None, with the download left open for the portal to relay, when it
        has been read already or when the web server would not ask for the very same address
        (``proxy_keeps``).
        """
        source = self._source
        if self._consumed or source is None or source.path is None:
            return None
        if not proxy_keeps(source.path):
            return None
        self._consumed = True
        self._response.close()
        self._finish(None, handed_off=True)
        return HandOff(
            location=prefix.rstrip("/") + source.path,
            authorization=Secret("Bearer " + source.token.reveal()),
        )

    def iter_bytes(self, chunk_size: int | None = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the body in chunks of about ``chunk_size`` bytes; may be called only once.

        ``chunk_size=None`` yields each read as the connection delivers it, without copying
        reads into equal chunks: the cheapest way to pass bytes on (a relay).

        Raises AgilerUnavailable if the connection breaks, times out, or ends before the
        announced Content-Length: a truncated backup must never look complete.
        """
        if self._consumed:
            raise RuntimeError("this download has already been read")
        self._consumed = True
        return self._iterate(chunk_size)

    def _iterate(self, chunk_size: int | None) -> Iterator[bytes]:
        expected = self.headers.content_length
        try:
            # chunk_size=None: httpx passes each read on as is (its chunker re-joins reads into
            # chunk_size pieces otherwise, a copy per read).
            for chunk in self._response.iter_bytes(chunk_size):
                self._received += len(chunk)
                yield chunk
        except (httpx.TransportError, ConnectionError) as exc:
            problem = (
                f"The download from Agiler ({self._operation}) broke off after "
                f"{self._received} bytes ({type(exc).__name__})."
            )
            self._finish(problem)
            raise self._broken(problem) from None
        finally:
            self._response.close()
        # Content-Encoding is not used for these bodies, so the wire length is the body length.
        if expected is not None and self._received != expected and not self._encoded:
            problem = (
                f"The download from Agiler ({self._operation}) ended after {self._received} of "
                f"{expected} bytes."
            )
            self._finish(problem)
            raise self._broken(problem)
        self._finish(None)

    def _broken(self, message: str) -> DownloadBroken:
        error = DownloadBroken(message, operation=self._operation)
        error.may_have_been_applied = False
        return error

    @property
    def _encoded(self) -> bool:
        encoding = self._response.headers.get("content-encoding", "identity").lower()
        return encoding not in {"", "identity"}

    def __del__(self) -> None:
        # Last resort for a caller that neither entered the context nor read the body.
        response = getattr(self, "_response", None)
        if response is not None and not response.is_closed:
            response.close()

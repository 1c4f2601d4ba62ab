"""Request plumbing shared by the client engine: sentinels, bodies, auth, call state, logging.

Split from ``_base.py`` to keep each module readable; nothing here sends a request.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Final

import httpx

from ._pool import DEFAULT_TIMEOUT
from ._secret import Secret
from .errors import AgilerError, ServerError
from .observer import CallOutcome
from .types import Model

logger = logging.getLogger("portal.agiler")

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_CHUNK = 256 * 1024

# Failures that happen before a single byte of the request left this process: a write cannot
# have been applied. Everything else (read timeout, reset, protocol error) may have been.
NOT_SENT: Final = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
    httpx.LocalProtocolError,
)
# ConnectionError: an in-process transport (WSGI) may surface a dropped connection as a plain
# OSError subclass rather than an httpx error.
TRANSPORT_ERRORS: Final = (httpx.TransportError, ConnectionError)


class NotGiven:
    """Sentinel for "argument not passed" where None would be a value to send."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Final = NotGiven()


def given(fields: Mapping[str, object]) -> dict[str, object]:
    """Keep only the fields the caller actually passed (drop NOT_GIVEN)."""
    return {k: v for k, v in fields.items() if not isinstance(v, NotGiven)}


def jsonable(value: object) -> object:
    """Turn request arguments (which may hold response dataclasses) into JSON-ready values."""
    if isinstance(value, Model):
        out: dict[str, object] = dict(value.extra)
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name != "extra" and item is not None:
                out[f.name] = jsonable(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        # RFC 3339 needs an offset; a naive datetime is taken as UTC.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return str(value)


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer …`` to each request from a :class:`Secret`."""

    def __init__(self, secret: Secret) -> None:
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer " + self._secret.reveal()
        yield request


class Upload:
    """A request body for ``put_file``: bytes, or a binary file-like object streamed in chunks.

    ``replayable`` is True for bytes and for seekable files (rewound to their start position for
    each attempt); a non-seekable stream can be sent once only, so it is never retried.
    ``length`` announces the size of a non-seekable stream (a request body being relayed), so it
    travels with a ``Content-Length`` instead of chunked; the stream must deliver exactly that.
    """

    def __init__(
        self, content: bytes | bytearray | memoryview | IO[bytes], *, length: int | None = None
    ) -> None:
        self._bytes: bytes | None = None
        self._file: IO[bytes] | None = None
        self._start = 0
        self.length: int | None = None
        if isinstance(content, bytes | bytearray | memoryview):
            self._bytes = bytes(content)
            self.length = len(self._bytes)
            self.replayable = True
            return
        if not hasattr(content, "read"):
            raise TypeError("upload content must be bytes or a binary file-like object")
        self._file = content
        seekable = False
        try:
            seekable = bool(content.seekable())
            if seekable:
                self._start = content.tell()
                end = content.seek(0, 2)
                content.seek(self._start)
                self.length = end - self._start
        except (AttributeError, OSError, ValueError):
            seekable = False
        self.replayable = seekable
        if not seekable and length is not None:
            if length < 0:
                raise ValueError("length must be >= 0")
            self.length = length

    def body(self) -> bytes | Iterator[bytes]:
        """Return the content for one attempt (rewinding a seekable file first)."""
        if self._bytes is not None:
            return self._bytes
        assert self._file is not None
        if self.replayable:
            self._file.seek(self._start)
        return self._chunks(self._file)

    @staticmethod
    def _chunks(file: IO[bytes]) -> Iterator[bytes]:
        while chunk := file.read(UPLOAD_CHUNK):
            yield chunk


@dataclass
class Spec:
    """Everything that describes one operation call."""

    operation: str
    method: str
    template: str
    path_params: Mapping[str, str]
    query: Mapping[str, object] = field(default_factory=dict)
    json_body: Mapping[str, object] | None = None
    upload: Upload | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    summary: Mapping[str, object] = field(default_factory=dict)
    stream: bool = False
    # Downloads report to observer.sensitive_read; the predicate decides per response
    # (get_file: a file download is sensitive, a directory listing is not).
    sensitive: Callable[[httpx.Response], bool] | None = None

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def replayable(self) -> bool:
        return self.upload is None or self.upload.replayable


@dataclass
class State:
    """What happened across the attempts of one call (for outcome, logs and errors)."""

    attempts: int = 0
    status: int | None = None
    request_id: str | None = None
    maybe_applied: bool = False


def as_timeout(value: float | httpx.Timeout | Mapping[str, float] | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, int | float):
        return httpx.Timeout(float(value))
    allowed = {"connect", "read", "write", "pool"}
    unknown = set(value) - allowed
    if unknown:
        raise ValueError(f"unknown timeout keys {sorted(unknown)}; use {sorted(allowed)}")
    merged = {
        "connect": DEFAULT_TIMEOUT.connect,
        "read": DEFAULT_TIMEOUT.read,
        "write": DEFAULT_TIMEOUT.write,
        "pool": DEFAULT_TIMEOUT.pool,
    }
    merged.update({k: float(v) for k, v in value.items()})
    return httpx.Timeout(**merged)


def outcome_of(
    state: State, duration_ms: int, *, error: AgilerError | None, is_write: bool
) -> CallOutcome:
    """Classify how a call ended for the audit log."""
    if error is None:
        return CallOutcome(
            "success", state.status, None, None, state.request_id, duration_ms, state.attempts
        )
    # "unknown" for writes whose effect cannot be known: an answer was lost after sending
    # (timeout, reset), or Agiler received an attempt and answered 5xx (a server may fail after
    # applying a write; a gateway may time out while it still runs) — whatever the last attempt
    # answered, since the key's first application may be the one that was lost.
    unknown = is_write and (state.maybe_applied or isinstance(error, ServerError))
    return CallOutcome(
        "unknown" if unknown else "failure",
        error.status,
        error.code,
        error.message,
        error.request_id or state.request_id,
        duration_ms,
        state.attempts,
    )


def log_attempt(
    spec: Spec, path: str, state: State, duration_ms: int, exc: BaseException | None = None
) -> None:
    """DEBUG line per attempt (never bodies, query values or headers)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug(
        "agiler attempt %s %s %s attempt=%d status=%s duration_ms=%d request_id=%s%s",
        spec.operation,
        spec.method,
        path,
        state.attempts,
        state.status if exc is None else None,
        duration_ms,
        state.request_id,
        f" error={type(exc).__name__}" if exc is not None else "",
        extra={"agiler_operation": spec.operation, "agiler_attempt": state.attempts},
    )


def log_final(spec: Spec, path: str, outcome: CallOutcome) -> None:
    """INFO (success) or WARNING (failure/unknown) line per call."""
    level = logging.INFO if outcome.outcome == "success" else logging.WARNING
    logger.log(
        level,
        "agiler %s %s %s outcome=%s status=%s duration_ms=%d attempts=%d request_id=%s",
        spec.operation,
        spec.method,
        path,
        outcome.outcome,
        outcome.status,
        outcome.duration_ms,
        outcome.attempts,
        outcome.request_id,
        extra={
            "agiler_operation": spec.operation,
            "agiler_method": spec.method,
            "agiler_path": path,
            "agiler_status": outcome.status,
            "agiler_duration_ms": outcome.duration_ms,
            "agiler_attempts": outcome.attempts,
            "agiler_request_id": outcome.request_id,
        },
    )

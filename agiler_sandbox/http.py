"""Request/response plumbing for the sandbox: a tiny, dependency-free layer over WSGI.

Handlers receive a :class:`Request` and return a :class:`Response` or raise :class:`ApiError`;
the application turns errors into the reference's ``ErrorResponse`` shape in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

HTTP_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Error codes used for each status when a handler (or a fault) does not pick a more precise one.
DEFAULT_CODES = {
    400: "invalid_argument",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal",
    502: "bad_gateway",
    503: "unavailable",
    504: "gateway_timeout",
}


class ConnectionDropped(ConnectionError):  # noqa: N818 - reads better at the raise site
    """Raised to make the server close the socket without (finishing) a response.

    Over real HTTP the sandbox server catches it and aborts the connection; callers driving the
    WSGI app in-process (e.g. ``httpx.WSGITransport``) see this exception instead. It is a builtin
    ``ConnectionError`` so such callers can treat it as the lost connection it simulates without
    importing sandbox classes.
    """


class ApiError(Exception):
    """An error answered as ``{"error": {...}}`` with the given HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        resource: str | None = None,
        id: str | None = None,  # noqa: A002 - mirrors the ErrorPayload field name
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        self.field = field
        self.resource = resource
        self.id = id
        self.headers = headers or []

    def payload(self) -> dict[str, Any]:
        """Return the ErrorResponse body as a dict."""
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            err["field"] = self.field
        if self.resource is not None:
            err["resource"] = self.resource
        if self.id is not None:
            err["id"] = self.id
        return {"error": err}

    def to_response(self) -> Response:
        """Render this error as a JSON response."""
        resp = json_response(self.payload(), status=self.status)
        resp.headers.extend(self.headers)
        return resp


def invalid(field: str, message: str) -> ApiError:
    """Shorthand for a 400 ``invalid_argument`` naming the offending field."""
    return ApiError(400, message, field=field)


def not_found(resource: str, ident: str) -> ApiError:
    """Shorthand for a 404 naming the resource kind and the id that was asked for."""
    return ApiError(404, f"{resource} {ident!r} not found", resource=resource, id=ident)


@dataclass
class Response:
    """A response; ``body`` is bytes, or an iterable of chunks with ``length`` known up front."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    length: int | None = None

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (case-insensitive), if any."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        """Replace every header called ``name`` with a single one."""
        lname = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lname]
        self.headers.append((name, value))

    def content_length(self) -> int:
        """Return the number of body bytes this response will send."""
        if isinstance(self.body, bytes):
            return len(self.body)
        assert self.length is not None, "streamed bodies need an explicit length"
        return self.length

    def chunks(self) -> Iterator[bytes]:
        """Yield the body in chunks."""
        if isinstance(self.body, bytes):
            if self.body:
                yield self.body
        else:
            yield from self.body


def dumps(data: Any) -> bytes:
    """Serialise JSON the same way everywhere (compact, UTF-8, stable key order)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    """Build a JSON response."""
    return Response(status, [("Content-Type", "application/json")], dumps(data))


def empty_response(status: int = 204) -> Response:
    """Build a body-less response (204 No Content, 202 Accepted)."""
    return Response(status, [], b"")


def rfc3339(moment: datetime) -> str:
    """Format a datetime as RFC 3339 UTC with a trailing Z and no fractional seconds."""
    # Not strftime("%Y"): glibc does not zero-pad years before 1000, and RFC 3339 needs 4 digits.
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def parse_rfc3339(value: str, field_name: str) -> datetime:
    """Parse an RFC 3339 timestamp, answering 400 naming ``field_name`` when it is not one."""
    text = value.strip()
    if len(text) < 20 or text[10] not in "Tt ":
        raise invalid(field_name, f"{field_name} must be an RFC 3339 timestamp")
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field_name, f"{field_name} must be an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        raise invalid(field_name, f"{field_name} must carry a time zone offset")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before the first representable UTC
        raise invalid(field_name, f"{field_name} must lie within the years 0001 to 9999") from None


@dataclass
class Request:
    """One incoming request, already routed."""

    method: str
    path: str
    segments: list[str]
    query: list[tuple[str, str]]
    headers: dict[str, str]
    environ: dict[str, Any]
    body: bytes = b""
    operation: str = ""
    params: dict[str, str] = field(default_factory=dict)
    user_id: str = ""
    token: str = ""
    scopes: frozenset[str] = frozenset()
    fault: Any = None  # the FaultRule matched for this request, if any (e.g. fail_backup)

    @classmethod
    def query_from(cls, query_string: str) -> list[tuple[str, str]]:
        """Parse a query string, keeping blank values."""
        return parse_qsl(query_string, keep_blank_values=True)

    def arg(self, name: str) -> str | None:
        """Return the last value of query parameter ``name``."""
        value = None
        for key, val in self.query:
            if key == name:
                value = val
        return value

    def header(self, name: str) -> str | None:
        """Return a request header (case-insensitive)."""
        return self.headers.get(name.lower())

    def json(self) -> dict[str, Any]:
        """Decode the body as a JSON object, answering 400 for anything else."""
        if not self.body.strip():
            raise ApiError(400, "request body must be a JSON object", code="invalid_request")
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "request body is not valid JSON", code="invalid_request") from None
        if not isinstance(data, dict):
            raise ApiError(400, "request body must be a JSON object", code="invalid_request")
        return data

    def base_url(self) -> str:
        """Return scheme://host[:port] as the client addressed us."""
        env = self.environ
        scheme = env.get("wsgi.url_scheme", "http")
        host = env.get("HTTP_HOST")
        if not host:
            host = env.get("SERVER_NAME", "localhost")
            port = env.get("SERVER_PORT", "")
            if port and port != {"http": "80", "https": "443"}.get(scheme):
                host = f"{host}:{port}"
        return f"{scheme}://{host}"

    def url_with(self, **changes: str) -> str:
        """Absolute URL of this request with some query parameters replaced."""
        kept = [(k, v) for k, v in self.query if k not in changes]
        kept.extend(changes.items())
        return f"{self.base_url()}{quote(self.path, safe='/%')}?{urlencode(kept)}"

"""Typed errors raised by the Agiler client.

Every HTTP error answer becomes an :class:`AgilerError` subclass built by one function,
:func:`error_from_response`, so that views map errors to pages by class, never by parsing
messages. Failures to reach Agiler at all are :class:`AgilerUnavailable`, and answers that do not
match the documented shape are :class:`AgilerResponseError`.

No error message ever contains the API token: the client never puts request headers into a
message, and the server's own message is kept verbatim only from a well-formed ErrorResponse.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AgilerError",
    "AgilerResponseError",
    "AgilerUnavailable",
    "BadRequest",
    "Conflict",
    "InvalidIdentifier",
    "NoAgilerToken",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "Unauthorized",
    "Unprocessable",
    "error_from_response",
    "parse_retry_after",
    "request_id_from",
]

# Header names Agiler-style services use for their request id, most specific first.
REQUEST_ID_HEADERS = ("x-request-id", "x-agiler-request-id", "request-id")


class AgilerError(Exception):
    """Base class of everything the Agiler client raises on purpose.

    ``status`` is the HTTP status (``None`` when no answer arrived); ``code``, ``field``,
    ``resource`` and ``id`` come from the ErrorResponse body when it had them; ``request_id`` from
    the response's request-id header, for support tickets.
    """

    default_message = "Agiler returned an error."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
        resource: str | None = None,
        id: str | None = None,  # mirrors ErrorPayload.id
        request_id: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.field = field
        self.resource = resource
        self.id = id
        self.request_id = request_id
        self.operation = operation
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        prefix = f"[{' '.join(parts)}] " if parts else ""
        where = f" (field {self.field})" if self.field else ""
        rid = f" [request id {self.request_id}]" if self.request_id else ""
        return f"{prefix}{self.message}{where}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class BadRequest(AgilerError):
    """400: the request body or parameters were refused (see ``field``)."""

    default_message = "Agiler refused the request as malformed."


class Unauthorized(AgilerError):
    """401: the API token is missing, invalid or revoked."""

    default_message = "Agiler did not accept the API token."


class PermissionDenied(AgilerError):
    """403: the token lacks the scope, or the caller does not own the resource."""

    default_message = "The API token is not allowed to do this."


class NotFound(AgilerError):
    """404: the resource does not exist or is hidden from the caller."""

    default_message = "Agiler could not find that resource."


class Conflict(AgilerError):
    """409: conflicting state, or an idempotency key reused with another body. Never retried."""

    default_message = "Agiler reported a conflict."


class Unprocessable(Conflict):
    """422: well-formed, but Agiler cannot apply it in the object's current state. A kind of
    conflict (pages and forms that explain a 409 explain this too); audited with code
    ``conflict`` when Agiler names none. Never retried."""

    default_message = "Agiler could not apply this change in the current state."


class InvalidIdentifier(NotFound, ValueError):
    """An id or file path that cannot address anything (empty, ``.`` or ``..``), refused before
    anything is sent. It is a NotFound so pages answer 404, and a ValueError for callers that
    validate input."""

    default_message = "That address does not name anything on Agiler."


class PreconditionFailed(AgilerError):
    """412: a precondition failed (e.g. ``If-None-Match: *`` and the file exists)."""

    default_message = "A precondition of the request failed."


class PayloadTooLarge(AgilerError):
    """413: the request body is larger than Agiler accepts."""

    default_message = "The upload is too large for Agiler."


class RateLimited(AgilerError):
    """429: too many requests; ``retry_after`` is the number of seconds to wait (or None)."""

    default_message = "Agiler is rate limiting these requests."

    #: Seconds to wait before trying again, from the ``Retry-After`` header (None if absent).
    retry_after: float | None = None


class ServerError(AgilerError):
    """5xx: Agiler failed to handle the request.

    ``may_have_been_applied`` is True for a write: a 5xx answers a request Agiler received, and
    a server may fail after applying it (or a proxy may time out while it still runs), so after
    the retries the change may exist. Pages then say so instead of inviting a second click.
    """

    default_message = "Agiler had an internal problem."

    may_have_been_applied: bool = False


class AgilerUnavailable(AgilerError):
    """Agiler could not be reached, or its answer was lost (timeout, dropped connection).

    ``may_have_been_applied`` is True when a write's request was (or may have been) sent and the
    answer never arrived: the change may exist. It is False for reads and for failures that
    happened before anything was sent (connection refused, DNS, pool exhausted).
    """

    default_message = "Could not reach Agiler, or it did not answer in time."

    may_have_been_applied: bool = False

    @classmethod
    def lost(
        cls, message: str, *, may_have_been_applied: bool, operation: str | None = None
    ) -> AgilerUnavailable:
        """Build the error for a request whose answer never arrived."""
        err = cls(message, operation=operation)
        err.may_have_been_applied = may_have_been_applied
        return err


class AgilerResponseError(AgilerError):
    """Agiler answered, but not in the documented shape (malformed JSON, wrong types, ...)."""

    default_message = "Agiler returned a response the portal does not understand."


class NoAgilerToken(AgilerError):
    """The portal user has no usable Agiler API token saved."""

    default_message = "No Agiler API token is saved for this account."


_BY_STATUS: dict[int, type[AgilerError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: Unprocessable,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    429: RateLimited,
}


def request_id_from(headers: Mapping[str, str]) -> str | None:
    """Return the request id the server put on a response, if any."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


#: The longest wait the portal passes on (a day): beyond it a number is nonsense, not advice.
MAX_RETRY_AFTER = 86400.0


def parse_retry_after(value: str | None) -> float | None:
    """Parse ``Retry-After`` as delta-seconds or an HTTP date; None if absent, unparseable or
    not finite; otherwise clamped to 0..MAX_RETRY_AFTER seconds."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        from datetime import UTC, datetime

        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    # "inf", "1e999" and "nan" parse as floats; the error page would crash on math.ceil(inf).
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _error_payload(body: bytes) -> Mapping[str, object] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    payload = data.get("error")
    if not isinstance(payload, dict):
        return None
    return payload


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def error_from_response(response: httpx.Response, *, operation: str | None = None) -> AgilerError:
    """Build the typed error for a non-2xx response whose body has been read.

    The ONE place statuses map to classes. A body that is not an ErrorResponse still gives an
    error of the right class with the status and a generic message.
    """
    status = response.status_code
    payload = _error_payload(response.content)
    message = code = field = resource = ident = None
    if payload is not None:
        message = _str_or_none(payload.get("message"))
        code = _str_or_none(payload.get("code"))
        field = _str_or_none(payload.get("field"))
        resource = _str_or_none(payload.get("resource"))
        ident = _str_or_none(payload.get("id"))
    if message is None:
        reason = response.reason_phrase or "error"
        message = f"Agiler answered HTTP {status} {reason} without a readable error body."
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else AgilerError
    error = cls(
        message,
        status=status,
        code=code,
        field=field,
        resource=resource,
        id=ident,
        request_id=request_id_from(response.headers),
        operation=operation,
    )
    if isinstance(error, Unprocessable) and not error.code:
        error.code = "conflict"
    if isinstance(error, RateLimited):
        error.retry_after = parse_retry_after(response.headers.get("retry-after"))
    return error

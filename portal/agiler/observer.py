"""The audit hook: what the client tells an observer about writes and sensitive reads.

The audit log plugs in here. The contract is small and strict:

* ``before_write(call)`` runs before the first attempt of every POST/PATCH/PUT/DELETE. If it
  raises, the write is refused and NOTHING is sent ("no record, no request").
* ``after_write(handle, outcome)`` runs exactly once after the last attempt, with the value
  ``before_write`` returned. ``outcome`` is ``success``, ``failure`` (Agiler answered with an
  error) or ``unknown`` (the answer was lost after the request may have been applied).
* ``sensitive_read(call, outcome)`` runs once per download (backup database/storage, billing
  statement, file — not directory listings) when the response headers arrived or the call failed.

``CallInfo.summary`` holds the query and body fields with secrets redacted; it never holds the
token, file contents, or any variable's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

__all__ = [
    "REDACTED",
    "CallInfo",
    "CallObserver",
    "CallOutcome",
    "NullObserver",
    "redact",
]

REDACTED = "[redacted]"

# Keys whose values are secrets wherever they appear in a summary (substring match, lower case).
_SECRET_KEY_PARTS = (
    "token",
    "password",
    "secret",
    "authorization",
    "api_key",
    "apikey",
    "credential",
    "private_key",
)

Outcome = Literal["success", "failure", "unknown"]


@dataclass(frozen=True)
class CallInfo:
    """One Agiler call as the audit log sees it."""

    operation: str
    """The operationId, e.g. ``restore_backup``."""
    method: str
    path: str
    """The request path below the base URL, percent-encoded as sent."""
    path_params: Mapping[str, str]
    """Raw (unencoded) path parameters, e.g. ``{"project": "…", "backup": "…"}``."""
    summary: Mapping[str, object] = field(default_factory=dict)
    """Query and body fields, secrets redacted."""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class CallOutcome:
    """How a call ended."""

    outcome: Outcome
    status: int | None
    error_code: str | None
    error_message: str | None
    request_id: str | None
    duration_ms: int
    attempts: int
    #: the id of the object a successful create answered with (so its audit trail can find it)
    created_id: str | None = None


class CallObserver(Protocol):
    """What the audit log implements. See the module docstring for the guarantees."""

    def before_write(self, call: CallInfo) -> object:
        """Record the intent of a write; raising refuses the write."""
        ...

    def after_write(self, handle: object, outcome: CallOutcome) -> None:
        """Record the outcome of the write ``handle`` (returned by before_write) announced."""
        ...

    def sensitive_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        """Record a download of sensitive data (or the failed attempt)."""
        ...


class NullObserver:
    """Observer that records nothing (scripts, tests of the client itself)."""

    def before_write(self, call: CallInfo) -> object:
        """Accept every write."""
        return None

    def after_write(self, handle: object, outcome: CallOutcome) -> None:
        """Ignore the outcome."""

    def sensitive_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        """Ignore the read."""


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_KEY_PARTS)


def _redact_value(value: object) -> object:
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if _is_secret_key(str(k)) else _redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    return value


def redact(
    fields: Mapping[str, object], *, also: frozenset[str] = frozenset()
) -> dict[str, object]:
    """Copy ``fields`` with values of secret-looking keys (and of the keys in ``also``) redacted."""
    out: dict[str, object] = {}
    for key, value in fields.items():
        if key in also or _is_secret_key(key):
            out[key] = REDACTED
        else:
            out[key] = _redact_value(value)
    return out

"""Cross-cutting guards: the idempotency-key store and the per-token rate limiter."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from .http import ApiError, Response

MAX_KEY_LENGTH = 128


@dataclass
class RecordedResponse:
    """A response captured for replay under an idempotency key."""

    fingerprint: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    recorded_at: float


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Identify a write by method, path and exact body bytes."""
    digest = hashlib.sha256()
    digest.update(method.encode())
    digest.update(b"\0")
    digest.update(path.encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyStore:
    """Recorded write responses keyed by (token, Idempotency-Key).

    Bounded both ways — at most ``max_entries`` (least recently used evicted first) and at most
    ``ttl_seconds`` old — so a long-running sandbox does not grow without limit.
    """

    def __init__(self, max_entries: int = 10_000, ttl_seconds: float = 24 * 3600) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], RecordedResponse] = OrderedDict()
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    def check_key(self, key: str) -> None:
        """Refuse keys the reference does not allow (longer than 128 characters).

        The caller treats an empty key as no key at all: the reference allows "any opaque
        string up to 128 characters", and a 400 would be an undocumented status on most writes.
        """
        if len(key) > MAX_KEY_LENGTH:
            raise ApiError(
                400,
                f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters",
                field="Idempotency-Key",
            )

    def lookup(self, token: str, key: str, fp: str) -> Response | None:
        """Return the recorded response to replay, None if unseen; 409 for a different body."""
        with self._lock:
            entry = self._entries.get((token, key))
            if entry is None:
                return None
            if time.monotonic() - entry.recorded_at > self.ttl_seconds:
                del self._entries[(token, key)]
                return None
            self._entries.move_to_end((token, key))
            if entry.fingerprint != fp:
                raise ApiError(
                    409,
                    "Idempotency-Key was already used with a different request body",
                    code="conflict",
                    field="Idempotency-Key",
                )
            return Response(entry.status, list(entry.headers), entry.body)

    def record(self, token: str, key: str, fp: str, response: Response) -> None:
        """Remember a response (bytes bodies only) for later replay."""
        assert isinstance(response.body, bytes)
        with self._lock:
            self._entries[(token, key)] = RecordedResponse(
                fp, response.status, list(response.headers), response.body, time.monotonic()
            )
            self._entries.move_to_end((token, key))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (sandbox reset)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class RateLimiter:
    """Token bucket per API token: ``rate`` requests/second, burst of ``max(1, rate)``."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate_limit must be positive")
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, token: str) -> None:
        """Take one request from the token's bucket, or answer 429 with Retry-After."""
        now = time.monotonic()
        with self._lock:
            level, stamp = self._buckets.get(token, (self.capacity, now))
            level = min(self.capacity, level + (now - stamp) * self.rate)
            if level >= 1.0:
                self._buckets[token] = (level - 1.0, now)
                return
            self._buckets[token] = (level, now)
        wait = max(1, math.ceil((1.0 - level) / self.rate))
        raise ApiError(
            429,
            f"rate limit of {self.rate:g} requests/second exceeded; retry after {wait}s",
            headers=[("Retry-After", str(wait))],
        )

    def clear(self) -> None:
        """Refill every bucket."""
        with self._lock:
            self._buckets.clear()


class WriteJournal:
    """Every write the sandbox applied (2xx, not an idempotent replay), in order: operation,
    path and Idempotency-Key. ``GET /_sandbox/writes`` serves it, so a fault run can compare the
    portal's claims and audit log with what really happened upstream."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._applied: list[dict[str, str | None]] = []
        self._replays = 0

    def applied(self, operation: str, path: str, key: str | None) -> None:
        with self._lock:
            self._applied.append({"operation": operation, "path": path, "key": key})

    def replayed(self, operation: str, key: str | None) -> None:
        with self._lock:
            self._replays += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {"applied": list(self._applied), "replays": self._replays}

"""Fixtures for the Agiler client tests.

Wire-level behaviours that the sandbox cannot provoke precisely (exact retry timing, malformed
bodies, a specific transport exception) use ``httpx.MockTransport`` through ``wire_client``;
everything else runs against the sandbox (see test_sandbox_*.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from portal.agiler import AgilerClient, CallInfo, CallOutcome, close_all


@dataclass
class FakeTime:
    """A clock that only moves when the client sleeps: retries take no real time."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@dataclass
class RecordingObserver:
    """An audit observer that records what the client told it."""

    events: list[tuple[str, object]] = field(default_factory=list)
    refuse: bool = False

    def before_write(self, call: CallInfo) -> object:
        if self.refuse:
            raise RuntimeError("audit log unavailable")
        self.events.append(("before_write", call))
        return f"handle-{len(self.events)}"

    def after_write(self, handle: object, outcome: CallOutcome) -> None:
        self.events.append(("after_write", (handle, outcome)))

    def sensitive_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        self.events.append(("sensitive_read", (call, outcome)))

    def of(self, kind: str) -> list[object]:
        return [payload for k, payload in self.events if k == kind]


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


@pytest.fixture(autouse=True)
def _fresh_pool() -> Iterator[None]:
    # Each test's transport gets its own pooled client; close them so no socket outlives a test.
    yield
    close_all()


WireHandler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def wire_client(fake_time: FakeTime, observer: RecordingObserver) -> Callable[..., AgilerClient]:
    """Build a client over a MockTransport ``handler`` with fake time and a recording observer."""

    def build(handler: WireHandler, **kwargs: object) -> AgilerClient:
        options: dict[str, object] = {
            "base_url": "https://agiler.test/v1",
            "token": "ak_wire_token",
            "transport": httpx.MockTransport(handler),
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "jitter": lambda cap: cap,  # deterministic: the upper bound of full jitter
            "observer": observer,
        }
        options.update(kwargs)
        return AgilerClient(**options)  # type: ignore[arg-type]

    return build


def project_json(**overrides: object) -> dict[str, object]:
    """A valid ProjectDetail body."""
    body: dict[str, object] = {
        "id": "0193aaaa-0000-7000-8000-000000000001",
        "name": "shop",
        "region": "eu-central-1",
        "runtime": "php-8.3",
        "status": "running",
        "active": True,
        "workspace_id": "0193aaaa-0000-7000-8000-0000000000ff",
        "created_at": "2025-01-02T03:04:05Z",
        "updated_at": "2025-01-02T03:04:05Z",
    }
    body.update(overrides)
    return body


def error_json(code: str, message: str, **extra: str) -> dict[str, object]:
    """An ErrorResponse body."""
    return {"error": {"code": code, "message": message, **extra}}

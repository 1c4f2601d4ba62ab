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


# --------------------------------------------------------------------------- sandbox fixtures


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to the real (sandbox) transport and keeps them for assertions."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # keep the body for assertions (test uploads are small)
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def sent_json(request: httpx.Request) -> object:
    """The JSON body a request carried."""
    import json

    return json.loads(request.content) if request.content else None


@pytest.fixture
def sandbox() -> object:
    """A fresh in-process sandbox with deterministic data and fault injection on."""
    sandbox_module = pytest.importorskip("agiler_sandbox")
    return sandbox_module.create_app(
        seed=1, faults_enabled=True, backup_seconds=0.2, restore_seconds=0.2
    )


@pytest.fixture
def wire(sandbox: object) -> RecordingTransport:
    return RecordingTransport(httpx.WSGITransport(app=sandbox))  # type: ignore[arg-type]


@pytest.fixture
def make_client(
    wire: RecordingTransport, fake_time: FakeTime, observer: RecordingObserver
) -> Callable[..., AgilerClient]:
    """Build a client on the in-process sandbox (owner token unless told otherwise)."""

    def build(token: str = "ak_sandbox_owner", **kwargs: object) -> AgilerClient:
        options: dict[str, object] = {
            "base_url": "http://sandbox.test/v1",
            "token": token,
            "transport": wire,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "observer": observer,
        }
        options.update(kwargs)
        return AgilerClient(**options)  # type: ignore[arg-type]

    return build


@pytest.fixture
def client(make_client: Callable[..., AgilerClient]) -> AgilerClient:
    return make_client()


@pytest.fixture
def project_id(client: AgilerClient) -> str:
    """The first demo project."""
    return client.list_projects().items[0].id

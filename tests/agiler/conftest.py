"""Fixtures for the Agiler client tests.

Wire-level behaviours that the sandbox cannot provoke precisely (exact retry timing, malformed
bodies, a specific transport exception) use ``httpx.MockTransport`` through ``wire_client``;
everything else runs against the sandbox (see test_sandbox_*.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from portal.agiler import AgilerClient, close_all
from tests.helpers import FakeTime, RecordingObserver, RecordingTransport, WireHandler


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


# --------------------------------------------------------------------------- sandbox fixtures


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

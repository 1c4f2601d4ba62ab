"""Backups tests: the seeded sandbox in-process (faults on), the cast with their role's token,
and helpers to pick a project and backup and to move the sandbox's clock forward."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.agiler import AgilerClient

BASE_URL = "http://sandbox.test/v1"


@pytest.fixture
def direct(sandbox: Any) -> AgilerClient:
    """A client straight to the sandbox (no portal, no audit) to check what Agiler holds."""
    return AgilerClient(
        base_url=BASE_URL,
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Backups and restores take a few seconds, so tests can watch them run."""
    return {"backup_seconds": 3, "restore_seconds": 5}

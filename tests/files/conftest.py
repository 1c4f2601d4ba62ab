"""Files tests: the seeded sandbox in-process, the cast with their role's token, and a client
straight to the sandbox to put files in place and check what Agiler holds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.agiler import AgilerClient

BASE_URL = "http://sandbox.test/v1"


@pytest.fixture
def direct(sandbox: Any) -> AgilerClient:
    return AgilerClient(
        base_url=BASE_URL,
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


@pytest.fixture
def project(sandbox: Any) -> Any:
    """The first seeded project (a small WordPress tree)."""
    return sandbox.inspect.first_project()

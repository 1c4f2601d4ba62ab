"""Fixtures of the hardening tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.agiler import AgilerClient
from tests.core.test_access_matrix import sample_ids  # noqa: F401 (real ids for url_matrix)


@pytest.fixture
def direct(sandbox: Any) -> AgilerClient:
    """A client straight to the sandbox (no portal, no audit) to check what Agiler holds."""
    return AgilerClient(
        base_url="http://sandbox.test/v1",
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )

"""Fixtures for the accounts tests: the Agiler sandbox in-process as the upstream."""

from __future__ import annotations

import httpx
import pytest

from agiler_sandbox import create_app
from tests.helpers import CANARY, CANARY_SCOPES


@pytest.fixture
def sandbox(settings) -> None:  # type: ignore[no-untyped-def]
    """Route the portal's Agiler calls to an in-process sandbox that also knows CANARY."""
    app = create_app(seed=1, tokens={CANARY: CANARY_SCOPES})
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_API_URL = "http://sandbox.test/v1"
    settings.AGILER_MAX_RETRIES = 0

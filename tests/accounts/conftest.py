"""Fixtures for the accounts tests: the Agiler sandbox in-process as the upstream."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from django.core.cache import cache

from agiler_sandbox import create_app

#: a token with a few scopes only, for the scope-gate tests; random so a leak search is exact
CANARY = "ak_canary_" + secrets.token_hex(16)
CANARY_SCOPES = ["projects:read", "billing:read"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sandbox(settings) -> None:  # type: ignore[no-untyped-def]
    """Route the portal's Agiler calls to an in-process sandbox that also knows CANARY."""
    app = create_app(seed=1, tokens={CANARY: CANARY_SCOPES})
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=app)
    settings.AGILER_API_URL = "http://sandbox.test/v1"
    settings.AGILER_MAX_RETRIES = 0

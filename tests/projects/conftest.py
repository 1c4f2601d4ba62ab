"""Projects tests use the shared fixtures of tests/conftest.py, and these."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers import CountingApp


@pytest.fixture
def counted(sandbox: Any, tokened_cast: Any, settings: Any) -> CountingApp:
    """Put a counter between the portal and the sandbox (after tokens were validated)."""
    counter = CountingApp(sandbox)
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=counter)
    return counter

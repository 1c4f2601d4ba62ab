"""Home page tests share the workspaces fixtures (sandbox upstream, tokened cast)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.workspaces.conftest import give_token, sandbox, tokened_cast

__all__ = ["give_token", "sandbox", "tokened_cast"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Scopes and counts are cached: each test starts from its own sandbox."""
    cache.clear()
    yield
    cache.clear()

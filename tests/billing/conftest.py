"""Billing tests: the sandbox in-process as the upstream, the cast holding their demo tokens.

(The same few lines as tests/workspaces/conftest.py, copied so each area owns its fixtures.)
"""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts.models import User
from tests.helpers import NO_BILLING_TOKEN


@pytest.fixture
def fin(tokened_cast: dict[str, User]) -> User:
    """The finance user, holding the finance token (billing:read and billing:write)."""
    return tokened_cast["finance"]


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """A token of the owner without billing scopes, for the missing-scope cases."""
    return {"tokens": {NO_BILLING_TOKEN: ["projects:read"]}}

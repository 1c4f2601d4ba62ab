"""Billing tests: the sandbox in-process as the upstream, the cast holding their demo tokens.

(The same few lines as tests/workspaces/conftest.py, copied so each area owns its fixtures.)
"""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts.models import User

#: extra sandbox tokens (owner's data) for the missing-scope cases
NO_BILLING_TOKEN = "ak_test_no_billing"


@pytest.fixture
def fin(tokened_cast: dict[str, User]) -> User:
    """The finance user, holding the finance token (billing:read and billing:write)."""
    return tokened_cast["finance"]


def owner_months(sandbox: Any) -> list[dict[str, Any]]:
    """The account owner's transaction months as the sandbox holds them (newest first)."""
    from agiler_sandbox.scopes import OWNER

    return list(sandbox.state.user_data[OWNER].months)


def owner_billing(sandbox: Any) -> dict[str, Any]:
    """The account owner's billing profile as the sandbox holds it."""
    from agiler_sandbox.scopes import OWNER

    return dict(sandbox.state.user_data[OWNER].billing)


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """A token of the owner without billing scopes, for the missing-scope cases."""
    return {"tokens": {NO_BILLING_TOKEN: ["projects:read"]}}

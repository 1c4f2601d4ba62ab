"""Variables tests: the seeded sandbox in-process (WP_ENV, WP_DEBUG, SMTP_HOST are plain;
SMTP_PASSWORD and STRIPE_SECRET_KEY sensitive), the cast with their role's token."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()

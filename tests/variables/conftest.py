"""Variables tests: the seeded sandbox in-process (WP_ENV, WP_DEBUG, SMTP_HOST are plain;
SMTP_PASSWORD and STRIPE_SECRET_KEY sensitive), the cast with their role's token."""

from __future__ import annotations

from typing import Any

import pytest


def variables_of(sandbox: Any, project: Any) -> dict[str, dict[str, Any]]:
    """What Agiler holds, by name (the sandbox's own records, values included)."""
    return {v["name"]: v for v in sandbox.state.data(project).variables}


@pytest.fixture
def project(sandbox: Any) -> Any:
    return next(iter(sandbox.state.projects.values()))

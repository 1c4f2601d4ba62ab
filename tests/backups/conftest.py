"""Backups tests: the shared sandbox (tests/conftest.py), with backups and restores slowed down
so tests can watch them run."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Backups and restores take a few seconds, so tests can watch them run."""
    return {"backup_seconds": 3, "restore_seconds": 5}

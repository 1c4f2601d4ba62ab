"""Domains tests: the seeded sandbox in-process, the cast with their role's token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import a_project


@pytest.fixture
def project(sandbox: Any) -> Any:
    return a_project(sandbox)

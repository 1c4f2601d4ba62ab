"""Domains tests: the seeded sandbox in-process, the cast with their role's token."""

from __future__ import annotations

from typing import Any

import pytest


def a_project(sandbox: Any) -> Any:
    """The first seeded project: www.<name>.example (primary), <name>.example, *.<name>.example."""
    return next(iter(sandbox.state.projects.values()))


def domains_of(sandbox: Any, project: Any) -> list[dict[str, Any]]:
    """What Agiler holds (the sandbox's own records)."""
    return sandbox.state.data(project).domains  # type: ignore[no-any-return]


@pytest.fixture
def project(sandbox: Any) -> Any:
    return a_project(sandbox)

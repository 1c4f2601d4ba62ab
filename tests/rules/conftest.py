"""Rules tests: the shared sandbox, cast and ``direct`` client of tests/conftest.py, and the
project whose rules they read."""

from __future__ import annotations

import pytest

from portal.agiler import AgilerClient


@pytest.fixture
def project_id(direct: AgilerClient) -> str:
    """The first project the owner sees (seeded with three rules from the templates)."""
    workspace = direct.list_workspaces().items[0]
    return direct.list_projects(workspace_id=workspace.id).items[0].id

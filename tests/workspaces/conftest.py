"""Workspace helpers; the sandbox upstream and the tokened cast come from tests/conftest.py."""

from __future__ import annotations

from typing import Any


def first_workspace(sandbox: Any, name: str = "Acme Marketing") -> str:
    """The id of the seeded workspace called ``name``."""
    for ws_id, ws in sandbox.state.workspaces.items():
        if ws["name"] == name:
            return str(ws_id)
    raise LookupError(name)

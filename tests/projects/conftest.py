"""Projects tests share the workspaces fixtures (sandbox upstream, tokened cast)."""

from __future__ import annotations

from tests.workspaces.conftest import give_token, sandbox, tokened_cast

__all__ = ["give_token", "sandbox", "tokened_cast"]

"""Facts read from the contract (``openapi.json``) at run time: the scopes each operation needs.

Used to explain an upstream 403 in the same words as a disabled control ("your token lacks
projects.backups:write"), without a second hand-written table that could drift from the spec.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SPEC_PATH = Path(__file__).with_name("openapi.json")

__all__ = ["required_scopes"]


@cache
def _scopes_by_operation() -> dict[str, tuple[str, ...]]:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    table: dict[str, tuple[str, ...]] = {}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "operationId" in operation:
                table[str(operation["operationId"])] = tuple(operation.get("x-scopes", []))
    return table


def required_scopes(operation: str | None) -> tuple[str, ...]:
    """The scopes the reference lists for ``operation`` (empty when unknown or none)."""
    if not operation:
        return ()
    return _scopes_by_operation().get(operation, ())

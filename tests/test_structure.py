"""The test suite's own structure: shared helpers live in tests/helpers.py, fixtures in conftest."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "artifacts" not in p.parts)


def _imports_a_conftest(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return False
    return any(name.split(".")[-1] == "conftest" or ".conftest." in name for name in names)


def test_no_module_imports_from_a_conftest_module() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if _imports_a_conftest(node)
    ]
    assert not offenders, f"import shared helpers from tests.helpers, not a conftest: {offenders}"


def _reads_sandbox_state(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "state"
        and (isinstance(node.value, ast.Name) and node.value.id in {"sandbox", "app"})
    )


def test_portal_tests_read_the_sandbox_through_its_inspection_api() -> None:
    """Only tests/sandbox/ may know how the simulator stores its data; the portal's tests use
    ``sandbox.inspect`` (agiler_sandbox/inspect.py)."""
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{node.lineno}"
        for path in _modules()
        if path.relative_to(TESTS).parts[0] != "sandbox"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if _reads_sandbox_state(node)
    ]
    assert not offenders, f"use sandbox.inspect, not sandbox.state: {offenders}"

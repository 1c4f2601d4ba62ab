"""The layers hold: no import cycle anywhere in portal/, the toolkit imports no feature area and
the one door to Agiler imports nothing else of the project.

The graph is read from the source (ast), module by module, counting imports inside functions too
(a lazy import hides a cycle, it does not remove it); imports under ``if TYPE_CHECKING:`` are
left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTAL = ROOT / "portal"
#: Packages of portal/ the toolkit may import: none but itself.
TOOLKIT = "portal.lib"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(target: str) -> str | None:
        # The longest prefix that is a module of the project ("portal.a.b.func" -> "portal.a.b").
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("portal"):
                        hit = resolve(alias.name)
                        if hit:
                            found.add(hit)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    stem = ".".join(base + ([child.module] if child.module else []))
                else:
                    stem = child.module or ""
                if stem.startswith("portal"):
                    for alias in child.names:
                        hit = resolve(f"{stem}.{alias.name}")
                        if hit:
                            found.add(hit)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    paths = [p for p in PORTAL.rglob("*.py") if "migrations" not in p.parts]
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def test_no_module_of_the_portal_imports_itself_in_a_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_toolkit_imports_no_feature_area() -> None:
    reaching_up = {
        module: sorted(t for t in targets if not t.startswith(TOOLKIT))
        for module, targets in _graph().items()
        if module.startswith(TOOLKIT)
    }
    assert {m: t for m, t in reaching_up.items() if t} == {}


def test_the_one_door_to_agiler_imports_nothing_else_of_the_project() -> None:
    reaching_up = {
        module: sorted(t for t in targets if not t.startswith("portal.agiler"))
        for module, targets in _graph().items()
        if module.startswith("portal.agiler")
    }
    assert {m: t for m, t in reaching_up.items() if t} == {}
    source = "\n".join(p.read_text() for p in (PORTAL / "agiler").rglob("*.py"))
    assert "import_module" not in source

"""No module of ``crm_platform`` imports, directly or around a loop, a module that imports it.

The graph counts imports inside functions as well as at module level: a function-level
import written to dodge a cycle still ties the two modules together (each needs the other
to be loadable, and the order they load in decides whether a name is there yet). Imports
under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import crm_platform

PACKAGE = "crm_platform"
ROOT = Path(crm_platform.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, at any depth, except the type checker's own."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield from _import_nodes(ast.Module(body=[orelse], type_ignores=[]))
        else:
            yield from _import_nodes(child)


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]) -> set[str]:
    """The ``crm_platform`` modules an import statement loads (a ``from`` import of a
    submodule counts as that submodule; of a name, as the module defining it)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    if node.level:
        package = importer if is_package else importer.rpartition(".")[0]
        base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
    else:
        base = node.module or ""
    targets = set()
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in known:
            targets.add(submodule)
        elif base in known:
            targets.add(base)
    return targets


def import_graph() -> dict[str, dict[str, int]]:
    """``{importer: {imported: line}}`` over every module of the package."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges: dict[str, int] = {}
        for node in _import_nodes(tree):
            for target in _targets(node, name, path.name == "__init__.py", known):
                if target != name:
                    edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle of ``graph`` as ``[a, b, ..., a]``, or None (depth-first, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in zip(cycle, cycle[1:], strict=False)]
    return "import cycle:\n  " + "\n  ".join(steps)


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph)


def test_the_checker_follows_imports_inside_functions() -> None:
    tree = ast.parse("def f():\n    from crm_platform.b import x\n")
    found = [node.module for node in _import_nodes(tree)]
    assert found == ["crm_platform.b"]


def test_the_checker_leaves_out_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from crm_platform.b import x\n"
        "else:\n    from crm_platform.c import y\n"
    )
    found = [node.module for node in _import_nodes(ast.parse(source))]
    assert found == ["typing", "crm_platform.c"]


def test_the_checker_names_a_cycle() -> None:
    graph = {"a": {"b": 3}, "b": {"c": 1}, "c": {"a": 7}, "d": {"a": 1}}
    cycle = find_cycle(graph)
    assert cycle == ["a", "b", "c", "a"]
    assert "c (line 7) -> a" in describe(cycle, graph)

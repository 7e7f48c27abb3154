"""The package's shape: no module of statusgen imports, even inside a function, one that imports it back (each
stage reads only the stages before it: docs/architecture.md), and the Pelican plugin stays a thin adapter."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import statusgen

PACKAGE = Path(statusgen.__file__).parent
PLUGIN = Path(__file__).parent.parent / "plugins" / "statusgen_site" / "generator.py"


def imported(path: Path) -> set[str]:
    """The statusgen modules `path` imports, anywhere in it (a function's imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1 or base == "statusgen" or base.startswith("statusgen."):
                base = base.removeprefix("statusgen").lstrip(".") if node.level == 0 else base
                # `from . import x` and `from statusgen import x` name modules; `from .x import y` names one
                found |= {alias.name for alias in node.names} if not base else {base.split(".")[0]}
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("statusgen.")}
    return found


@functools.cache  # parsing the package is half a second: once for the tests that read the graph (none changes it)
def graph() -> dict[str, set[str]]:
    modules = {path.stem: path for path in PACKAGE.glob("*.py")}
    return {name: imported(path) & modules.keys() - {name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the list of modules around it (the strongly connected components of more than one
    module, by Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_one():
    assert cycles({"load": {"publish", "model"}, "publish": {"load"}, "model": set()}) == [["load", "publish"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_imports_read_the_package_as_it_is():
    edges = graph()
    assert {"model", "source", "cache"} <= edges["load"]
    assert "fields" in edges["schema"] and "processes" in edges["publish"]


def test_no_module_of_statusgen_imports_one_that_imports_it_back():
    assert cycles(graph()) == []


def test_the_pelican_plugin_is_a_thin_adapter():
    lines = len(PLUGIN.read_text(encoding="utf-8").splitlines())
    assert lines < 250, f"{PLUGIN}: {lines} lines (expected under 250: its work belongs in statusgen/)"

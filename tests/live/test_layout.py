"""The shape of consult/live/: its modules import each other in one direction only (no
cycle, and no import inside a function to hide one), none is over 800 lines, and
services never commit or roll back (callers do, through `outbox.unit_of_work`)."""

from __future__ import annotations

import ast
from pathlib import Path

LIVE = Path(__file__).resolve().parents[2] / "consult" / "live"
MAX_LINES = 800


def _modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in LIVE.glob("*.py")}


def _live_imports(tree: ast.Module) -> set[str]:
    """The consult.live modules a module imports at its top level."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "consult.live":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("consult.live."):
            found.add(node.module.removeprefix("consult.live."))
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.removeprefix("consult.live.")
                for alias in node.names
                if alias.name.startswith("consult.live.")
            )
    return found


def test_no_import_inside_a_function_but_the_lazy_text_engine():
    """Imports inside functions hide cycles; the one allowed is the analysis engine's
    scikit-learn-backed module, loaded at the first idea-board regroup rather than in
    every web process (tests/analysis/test_purity.py)."""
    nested = [
        f"{name}.py:{node.lineno}"
        for name, tree in _modules().items()
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.ImportFrom) and node.module == "analysis.ideas")
    ]
    assert nested == []


def test_live_modules_import_each_other_without_a_cycle():
    modules = _modules()
    graph = {
        name: _live_imports(tree) & set(modules) - {"__init__"}
        for name, tree in modules.items()
        if name != "__init__"  # the package imports its callers to register them
    }
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "open", " -> ".join([*path, name])
        state[name] = "open"
        for imported in sorted(graph[name]):
            visit(imported, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        visit(name, [])
    assert graph["payloads"] == set()  # pure serialisers, at the bottom
    assert graph["outbox"] == set()


def test_no_live_module_is_over_800_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in LIVE.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


SERVICES = ("rounds", "seating", "floor", "polls", "decisions", "ideas")
READS = ("checks", "payloads", "snapshots", "poll_kinds", "opinion_map")


def test_services_never_commit_or_roll_back():
    """Callers own the transaction (`outbox.unit_of_work`), so services share one."""
    modules = _modules()
    calls = [
        f"{name}.py:{node.lineno} {node.func.attr}"
        for name in (*SERVICES, *READS)
        for node in ast.walk(modules[name])
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]
    assert calls == []

"""The shape of the code: no import cycles inside `consult/`, and `analysis/` imports
nothing of the app. Read from the source with `ast`, so an import inside a function counts
as much as one at the top of a module (it runs as soon as that function does, and a cycle
hidden in a function is still two modules that cannot be understood apart)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


#: Cycles allowed for now, each a set of modules: ONLY cycles within `consult.live`, which
#: is being split into modules of their own in parallel with this check (issue 12, move 1);
#: the lead empties this when merging that work. Nothing outside `consult.live` goes here.
def modules(package: str, root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """Every module of `package` (a folder under `root`): name -> (file, is a package's
    `__init__`)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def imports(path: Path, module: str, is_package: bool) -> Iterator[tuple[str, str]]:
    """Every import anywhere in the file, as (name, fallback), relative imports resolved:
    `from X import y` gives (X.y, X) (y is a module, or else a name in X), `import a.b`
    gives (a.b, a.b). Imports under `if TYPE_CHECKING:` are left out: they never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            yield from ((f"{source}.{alias.name}", source) for alias in node.names)


def import_graph(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of `package` it imports: `from a.b import c` is an arrow to
    `a.b.c` when that is a module, else to `a.b`; `import a.b.c` to the longest part of
    it that is a module. Loading a package's `__init__` on the way to a submodule is
    Python's doing, not an arrow the code draws, so it is not counted."""
    known = modules(package, root)

    def resolve(name: str, fallback: str) -> str | None:
        if name in known:
            return name
        while fallback and fallback not in known:
            fallback = fallback.rpartition(".")[0]
        return fallback or None

    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in known.items():
        targets = {resolve(name, fallback) for name, fallback in imports(path, module, is_package)}
        graph[module] = {target for target in targets if target and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative): each is a set of modules that all import one another, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_cycle_finder_finds_cycles_through_imports_inside_functions(tmp_path: Path) -> None:
    """The check itself: a cycle made by an import inside a function is found, a relative
    import is resolved, and a package's `__init__` loaded on the way is no arrow."""
    package = tmp_path / "shop"
    (package / "orders").mkdir(parents=True)
    (package / "__init__.py").write_text("def make():\n    from shop.orders import views\n")
    (package / "orders" / "__init__.py").write_text("")
    (package / "orders" / "views.py").write_text("from . import services\n")
    (package / "orders" / "services.py").write_text(
        "def total():\n    from shop.orders.views import page\n"
    )
    (package / "prices.py").write_text("from shop.orders import services\n")
    graph = import_graph("shop", tmp_path)
    assert graph["shop.orders.views"] == {"shop.orders.services"}
    assert graph["shop.prices"] == {"shop.orders.services"}
    assert graph["shop"] == {"shop.orders.views"}
    assert cycles(graph) == [frozenset({"shop.orders.views", "shop.orders.services"})]


def test_consult_has_no_import_cycles() -> None:
    found = [sorted(component) for component in cycles(import_graph("consult"))]
    assert found == [], f"import cycles in consult/: {found}"


def test_analysis_imports_nothing_of_the_app() -> None:
    """`analysis/` is a pure library: not consult, not Flask, not the database."""
    forbidden = ("consult", "flask", "flask_sqlalchemy", "sqlalchemy", "wsgi")
    offending = {}
    for module, (path, is_package) in modules("analysis").items():
        bad = {
            name for name, _ in imports(path, module, is_package) if name.split(".")[0] in forbidden
        }
        if bad:
            offending[module] = sorted(bad)
    assert offending == {}


def test_only_the_app_factory_imports_routes_and_commands() -> None:
    """A feature's routes (`views.py`, `*_views.py`) and commands (`cli.py`) hang on its
    blueprint, defined in its package: other modules use its services, never its views,
    so only `create_app` imports them."""

    def is_entry(name: str) -> bool:
        last = name.rpartition(".")[2]
        return last in ("views", "cli") or last.endswith("_views")

    graph = import_graph("consult")
    importers = {
        target: sorted(module for module, targets in graph.items() if target in targets)
        for target in graph
        if is_entry(target)
    }
    assert {target: by for target, by in importers.items() if by != ["consult"]} == {}


def test_no_module_is_over_800_lines() -> None:
    """Issue 12: a module a newcomer can read. Data lives in data files (consult/demo/data)."""
    long = {
        str(path.relative_to(ROOT)): length
        for folder in ("consult", "analysis")
        for path in (ROOT / folder).rglob("*.py")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert not long, f"split these modules: {long}"

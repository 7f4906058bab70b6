"""The floors of docs/architecture.md hold: every import of every .py file (function-local
ones too) goes to the module's own package or to a package on a lower floor, and no
chain of imports between modules comes back to where it started."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Package (or top-level module) -> floor. A package may import only its own modules and
# packages on lower floors. tests/ and bench/ stand above every floor (they may import
# any of them) but take part in the cycle check like the rest.
FLOORS = {
    "places": 0, "core": 0,
    "i18n": 1, "metrics": 1,
    "loaders": 2,
    "research": 3, "charts": 3,
    "datastore": 4,
    "report": 5,
    "ui": 6,
    "views": 7,
    "dashboard": 8,
}
ABOVE_ALL = {"tests", "bench"}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the repository."""
    out = {}
    for path in sorted(REPO.rglob("*.py")):
        rel = path.relative_to(REPO)
        if any(part.startswith(".") for part in rel.parts):
            continue  # .venv, .git, caches
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str, importer: str) -> str | None:
    """The project module ``name`` refers to (the longest known prefix), else None.
    Files of tests/ and bench/ also import their neighbours by bare name."""
    candidates = [name]
    top = importer.split(".")[0]
    if top in ABOVE_ALL:
        candidates.append(f"{top}.{name}")
    for candidate in candidates:
        while candidate:
            if candidate in MODULES:
                return candidate
            candidate = candidate.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Project modules that ``module`` imports anywhere in its file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # "from pkg import mod" imports the submodule; "from pkg import name" the package
            names = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                     for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name, module)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_parser_sees_what_the_code_imports():
    # Written by hand from the files: a top-level import, a function-local one, a
    # "from package import submodule", and a package __init__.
    assert "places.names" in GRAPH["places.countries"]
    assert "loaders.validate" in GRAPH["loaders"]  # inside load_dataset()
    assert "datastore.rights" in GRAPH["datastore.store"]  # from datastore import db, rights
    assert "datastore.store" in GRAPH["datastore"]
    assert "test_datastore" not in GRAPH["tests.test_editors"]
    assert "tests.test_datastore" in GRAPH["tests.test_editors"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    assert _cycles(GRAPH) == []


def test_every_package_is_on_a_floor():
    tops = {module.split(".")[0] for module in MODULES}
    assert tops - ABOVE_ALL == set(FLOORS)


def test_no_upward_import_between_floors():
    upward = []
    for module, targets in GRAPH.items():
        top = module.split(".")[0]
        if top in ABOVE_ALL:
            continue
        for target in targets:
            other = target.split(".")[0]
            if other == top:
                continue
            if other in ABOVE_ALL or FLOORS[other] >= FLOORS[top]:
                upward.append(f"{module} (floor {FLOORS[top]}) imports {target} "
                              f"(floor {FLOORS.get(other, 'above all')})")
    assert upward == []


def test_the_document_lists_the_same_floors():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| ([^|]+) \|", text, flags=re.MULTILINE)
    documented = {name.strip(" `"): int(floor) for floor, names in rows
                  for name in names.split(",")}
    assert documented == FLOORS

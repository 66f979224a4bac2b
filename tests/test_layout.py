"""The layout holds: the floors (pipelines/ over assets/ over llm_catalog/, nothing importing upward), the package's
stages in the order the data flows, no import cycle, and units a person can hold. Read from the code's own imports
(ast), so a change that breaks one of these fails here, naming the file and the import."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOORS = {"llm_catalog": 0, "assets": 1, "pipelines": 2}
# the package's stages, lowest first: a module may import its own stage and those before it. identity comes before
# normalized: it is the library the normalizers call to name a route's model
STAGES = ["errors", "paths", "schemas", "sources", "identity", "normalized", "registry", "reconciliation", "benchmarks",
          "models", "checks", "similarity", "history", "warehouse", "readers", "site"]  # fmt: skip
MAX_MODULE_LINES = 400
MAX_UNIT_LINES = 150


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the three floors."""
    found = {}
    for top in FLOORS:
        for path in sorted((REPO / top).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports (absolute imports; relative ones resolved against ``name``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")[: -node.level if path.name != "__init__.py" else len(name.split("."))]
                base = ".".join([*package, base] if base else package)
            # `from package import module` imports the module; `from module import name`, the module
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
    return {m for m in found if m.split(".")[0] in FLOORS}


def project_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imports(path, name, known) if m in known and m != name} for name, path in known.items()}


def stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.index(parts[1]) if parts[0] == "llm_catalog" and len(parts) > 1 and parts[1] in STAGES else None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for name, targets in graph.items():
        for target in targets:
            if FLOORS[target.split(".")[0]] > FLOORS[name.split(".")[0]]:
                found.append(f"{name} imports {target}, a floor above it")
            elif stage(name) is not None and stage(target) is not None and stage(target) > stage(name):
                found.append(f"{name} imports {target}, a later stage")
    return sorted(found)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among modules (each as the path that closes it)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_nothing_imports_upward_a_floor_or_a_stage():
    assert upward_imports(project_graph()) == []


def test_there_is_no_import_cycle():
    assert cycles(project_graph()) == []


def test_the_checks_see_an_upward_import_and_a_cycle():
    graph = project_graph()
    graph["llm_catalog.sources.fetch"] = graph["llm_catalog.sources.fetch"] | {"llm_catalog.readers.query"}
    graph["llm_catalog.errors"] = {"assets.resources"}
    assert upward_imports(graph) == [
        "llm_catalog.errors imports assets.resources, a floor above it",
        "llm_catalog.sources.fetch imports llm_catalog.readers.query, a later stage",
    ]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def too_long(path: Path, root: Path = REPO) -> list[str]:
    """What in ``path`` is over the limits: the module itself, or a function or class in it."""
    text = path.read_text()
    where = path.relative_to(root)
    found = [f"{where} ({len(text.splitlines())} lines)"] if len(text.splitlines()) > MAX_MODULE_LINES else []
    for node in ast.walk(ast.parse(text)):
        unit = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        if unit and (length := node.end_lineno - node.lineno + 1) > MAX_UNIT_LINES:
            found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_modules_and_units_a_person_can_hold():
    assert [found for path in modules().values() for found in too_long(path)] == []


def test_the_size_check_sees_a_long_unit_and_a_long_module(tmp_path):
    (tmp_path / "long.py").write_text("def f():\n" + "    x = 1\n" * MAX_UNIT_LINES + "\n" * MAX_MODULE_LINES)
    assert too_long(tmp_path / "long.py", tmp_path) == [
        f"long.py ({1 + MAX_UNIT_LINES + MAX_MODULE_LINES} lines)",
        f"long.py:1 f ({1 + MAX_UNIT_LINES} lines)",
    ]

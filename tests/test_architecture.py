"""The house reads one way: imports point down the layers, and no module imports itself back.

retriever (read side) ← config (the settings) ← ingest (build and publish) ← evaluation
(measure) ← tuning (train); retriever ← feedback ← api (HTTP).
cli is the composition root and may import everything. Parsed from the source with `ast`, so an
import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGES = ("retriever", "config", "ingest", "evaluation", "tuning", "feedback", "api", "cli")
ALLOWED = {
    "retriever": {"retriever"},
    "config": {"config", "retriever"},
    "ingest": {"ingest", "config", "retriever"},
    "evaluation": {"evaluation", "ingest", "config", "retriever"},
    "tuning": {"tuning", "evaluation", "ingest", "config", "retriever"},
    "feedback": {"feedback", "retriever"},
    "api": {"api", "feedback", "config", "retriever"},
    "cli": set(PACKAGES),
}
MAX_LINES = 300


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `path` imports (the most specific module each import names)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                out.add(name)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def test_every_layer_imports_only_what_lies_below_it() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    ]
    assert wrong == []


def test_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_no_module_outgrows_one_concept() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_rules_catch_a_wrong_arrow(tmp_path: Path) -> None:
    # The parser sees imports wherever they are, including inside functions.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from api.app import create_app\n", encoding="utf-8")
    assert imports(module, modules()) == {"api.app"}

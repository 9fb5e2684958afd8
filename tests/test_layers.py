"""The layers hold: the import contracts pass on the code as it is, an upward import breaks them (so
`make lint` fails on it), and no two packages of the service import each other, however indirectly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from service.config import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("service", "workers"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static",
                                                                                          "templates"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_import_contracts_hold() -> None:
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "imports", "broken"), [
    # A domain package reaching up to a flow.
    ("service/tasks/upward.py", "from service.flows import tasks", "service.tasks is not allowed to import "
                                                                  "service.flows"),
    # A lower domain package reaching up to a higher one.
    ("service/cases/upward.py", "from service.records import decisions", "service.cases is not allowed to import "
                                                                         "service.records"),
    # The audit trail reaching into a domain.
    ("service/audit/upward.py", "from service.cases import models", "service.audit is not allowed to import "
                                                                    "service.cases"),
    # A flow reaching up to the pages.
    ("service/flows/upward.py", "from service.web import views", "service.flows is not allowed to import "
                                                                 "service.web"),
])
def test_an_upward_import_breaks_the_contracts(tmp_path: Path, module: str, imports: str, broken: str) -> None:
    root = copy_of_the_code(tmp_path)
    (root / module).write_text(f"{imports}  # noqa: F401\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout[-2000:]


def test_no_two_packages_import_each_other() -> None:
    graph = grimp.build_graph("service", cache_dir=None)
    packages = sorted({m.split(".")[1] for m in graph.modules if m.count(".") >= 1})
    reaches: dict[str, set[str]] = {p: set() for p in packages}
    for module in graph.modules:
        if module.count(".") < 1:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.count(".") >= 1 and imported.split(".")[1] != module.split(".")[1]:
                reaches[module.split(".")[1]].add(imported.split(".")[1])

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in reaches.get(todo.pop(), set()) - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    loops = sorted(p for p in packages if p in reachable(p))
    assert loops == [], f"these packages reach themselves through others: {loops}"


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Not even for types, nor inside a function: the modules form no loop (Tarjan's strongly connected
    components of the import graph, each of one module)."""
    graph = grimp.build_graph("service", "workers", cache_dir=None)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    assert loops == [], f"these modules import each other: {loops}"

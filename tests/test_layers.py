"""The library's layers: imports run only downwards, no private names cross modules, no cycle.

Every import of every module is read from the AST, imports inside functions included. The
layer order is that of docs/architecture.md: ``errors`` ← ``_internal`` ← ``reference`` ←
``data`` ∥ ``methods`` ← ``workbook`` ← ``present`` ← ``exercises`` ← ``publish`` ←
``cohort`` ← ``cli`` ← ``compat``; ``data`` and ``methods`` never import each other, and
``present`` reaches them only through ``workbook``. The
package's ``__init__`` (the public API, lazy) and ``__main__`` modules (command lines) stand
outside the order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kompetens_lib"
ROOT_NAME = "kompetens_lib"

LAYERS: tuple[str, ...] = (
    "errors", "_internal", "reference", "data", "methods", "workbook", "present",
    "exercises", "publish", "cohort", "cli", "compat",
)
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["methods"] = RANK["data"]  # siblings: neither may import the other
#: Layers that skip a layer below them: they reach it through the layer between.
NOT_DIRECTLY: dict[str, set[str]] = {"present": {"data", "methods"}}
MAX_LINES = 800


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))
            if "__pycache__" not in p.parts}


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names
                      if alias.name.split(".")[0] == ROOT_NAME]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node, path.name == "__init__.py")
            if target.split(".")[0] != ROOT_NAME:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:  # ``from kompetens_lib.methods import supply``
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


def layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 1 or parts[-1] == "__main__":
        return None  # the root package or a command line: outside the order
    return parts[1]


def test_every_module_belongs_to_a_layer():
    unknown = sorted(m for m in MODULES if layer(m) is not None and layer(m) not in RANK)
    assert unknown == [], f"modules outside the layers of docs/architecture.md: {unknown}"


def test_no_module_imports_a_layer_above_it_or_its_sibling():
    wrong = []
    for module in MODULES:
        own = layer(module)
        if own is None:
            continue
        for target, _, line in imports(module):
            other = layer(target)
            if other is None or other == own:
                continue
            if RANK[other] >= RANK[own] or other in NOT_DIRECTLY.get(own, ()):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} "
                             f"({own}) imports {target} ({other})")
    assert wrong == [], "imports that run upward or sideways:\n" + "\n".join(wrong)


def test_no_module_imports_a_private_name_of_another_module():
    wrong = []
    for module in MODULES:
        for target, name, line in imports(module):
            private_module = any(part.startswith("_") and part not in ("__init__", "_internal")
                                 for part in target.split("."))
            private_name = name is not None and name.startswith("_") and not name.startswith("__")
            if target != module and (private_name or private_module):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} "
                             f"imports {name or target} from {target}")
    assert wrong == [], "private names used across modules:\n" + "\n".join(wrong)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        targets = set()
        for target, _, _ in imports(module):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module and layer(target) is not None:
                targets.add(target)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_there_is_no_import_cycle_between_modules():
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


EXCEPTION_BASES = {"Exception", "BaseException", "ValueError", "UserWarning", "Warning",
                   "KompetensError", "KompetensWarning", "DataValidationError"}


def test_every_exception_and_warning_class_is_defined_in_errors_py():
    elsewhere = []
    for module, path in MODULES.items():
        if module == f"{ROOT_NAME}.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                         for b in node.bases}
                if bases & EXCEPTION_BASES or node.name.endswith(("Error", "Warning")):
                    elsewhere.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} "
                                     f"{node.name}")
    assert elsewhere == [], "exception classes outside errors.py:\n" + "\n".join(elsewhere)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_a_god_module(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by responsibility"

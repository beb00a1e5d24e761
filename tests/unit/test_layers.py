"""The import rules of docs/architecture.md, checked by parsing every source file's imports.

- ``desktop`` imports none of ``ui``, ``PySide6``, nor of ``sync`` but the shared contract
  ``sync.protocol`` (event kinds, payload types, signatures);
- ``sync.server`` imports nothing of the project but ``sync.protocol`` (and itself);
- ``ui`` imports neither ``sqlalchemy`` nor ``desktop.storage``;
  and no ui code enters a unit of work itself.

Imports under ``if TYPE_CHECKING:`` count too: they are dependencies all the same.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("desktop", "ui", "sync", "resources", "bench", "tests")
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Import:
    file: Path
    line: int
    target: str  # absolute dotted name: a module, or module.name for ``from module import name``

    def __str__(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}: {self.target}"


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[Import]:
    return imports_in(path.read_text(encoding="utf-8"), path)


def imports_in(code: str, path: Path) -> Iterator[Import]:
    """The imports of ``code`` as if it were the file at ``path`` (for relative imports)."""
    tree = ast.parse(code, filename=str(path))
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                name = source if alias.name == "*" else f"{source}.{alias.name}"
                yield Import(path, node.lineno, name)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                called in DYNAMIC_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield Import(path, node.lineno, first.value)


def under(target: str, prefixes: Iterable[str]) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def violations(
    folder: str, forbidden: Iterable[str], allowed: dict[str, set[str]] | None = None
) -> list[str]:
    """Imports of ``forbidden`` modules in ``folder``; ``allowed`` maps a file to exemptions."""
    forbidden = tuple(forbidden)
    found = []
    for path in sources(folder):
        exempt = (allowed or {}).get(path.relative_to(ROOT).as_posix(), set())
        for imported in imports_of(path):
            if under(imported.target, forbidden) and not under(imported.target, exempt):
                found.append(str(imported))
    return found


def report(found: list[str]) -> str:
    return "layer rule broken:\n  " + "\n  ".join(found)


# --- the checker itself ----------------------------------------------------------------------


def test_the_checker_sees_every_kind_of_import() -> None:
    code = (
        "import ui.app\n"
        "from PySide6 import QtCore\n"
        "from .. import storage\n"
        "from ..storage.uow import UnitOfWork\n"
        "from sync import protocol\n"
        "import importlib\n"
        "importlib.import_module('sqlalchemy.orm')\n"
        "if True:\n"
        "    def later() -> None:\n"
        "        from ui.shell import Shell\n"
    )
    place = ROOT / "desktop" / "services" / "sample.py"
    found = sorted((i.line, i.target) for i in imports_in(code, place))
    assert found == [
        (1, "ui.app"),
        (2, "PySide6.QtCore"),
        (3, "desktop.storage"),
        (4, "desktop.storage.uow.UnitOfWork"),
        (5, "sync.protocol"),
        (6, "importlib"),
        (7, "sqlalchemy.orm"),
        (10, "ui.shell.Shell"),
    ]
    assert under("PySide6.QtCore", ["PySide6"]) and not under("PySide6x", ["PySide6"])
    assert not under("desktop.ui_helpers", ["ui"])


def test_the_trees_are_there() -> None:
    assert len(sources("desktop")) > 10
    assert len(sources("ui")) > 5
    assert ROOT.joinpath("ui", "session", "state.py").is_file()


# --- the rules -------------------------------------------------------------------------------


def test_desktop_imports_no_ui_sync_or_qt_but_the_protocol() -> None:
    found = [
        str(i)
        for path in sources("desktop")
        for i in imports_of(path)
        if under(i.target, ["ui", "sync", "PySide6", "shiboken6"])
        and not under(i.target, ["sync.protocol"])
    ]
    assert not found, report(found)


def test_sync_server_imports_only_the_protocol_from_the_project() -> None:
    assert (ROOT / "sync" / "server").is_dir()
    found = [
        str(i)
        for path in sources("sync/server")
        for i in imports_of(path)
        if under(i.target, PROJECT_PACKAGES)
        and not under(i.target, ["sync.protocol", "sync.server"])
        and i.target != "sync"
    ]
    assert not found, report(found)


def test_sync_client_imports_no_ui_or_qt() -> None:
    found = violations("sync/client", ["ui", "PySide6", "shiboken6", "sync.server"])
    assert not found, report(found)


def test_ui_imports_no_sqlalchemy_or_storage() -> None:
    found = violations("ui", ["sqlalchemy", "desktop.storage"])
    assert not found, report(found)


# `with desk.uow() as uow:`, `with uow:`, `with uow.reading():` and the like.
UOW_IN_WITH = re.compile(r"(^|\.)uow(\(\))?($|\.reading\(\))")


def test_ui_never_opens_a_unit_of_work() -> None:
    found = []
    for path in sources("ui"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.With | ast.AsyncWith):
                for item in node.items:
                    if UOW_IN_WITH.search(ast.unparse(item.context_expr)):
                        found.append(
                            f"{path.relative_to(ROOT)}:{node.lineno}: "
                            f"with {ast.unparse(item.context_expr)}"
                        )
    assert not found, report(found)


def test_printing_is_pure_and_domain_has_no_words() -> None:
    """printing turns DTOs into PDF bytes: it reads no service nor store; domain types and
    rules carry codes and parameters, never translated text."""
    found = violations("desktop/printing", ["desktop.services", "desktop.storage", "desktop.cli"])
    found += violations(
        "desktop/domain",
        ["desktop.i18n", "desktop.services", "desktop.storage", "desktop.printing"],
    )
    assert not found, report(found)


def _module_graph(folders: Iterable[str]) -> dict[str, set[str]]:
    modules = {module_of(path): path for folder in folders for path in sources(folder)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imported in imports_of(path):
            target = imported.target
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    """Every import counts, also one inside a function: a cycle deferred is a cycle."""
    found = _cycles(_module_graph(["desktop", "ui", "sync"]))
    assert not found, "import cycles:\n  " + "\n  ".join(" -> ".join(c) for c in found)

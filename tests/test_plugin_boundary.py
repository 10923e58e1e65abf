"""The plugin API is a boundary: a module under plugins/ imports from Amber only the API
(`amber.pluginspec`) and its own package (`amber.plugins.*`), so the built-ins can do
nothing a third-party plugin cannot, and Amber's internals can change without them.

Imports are read with `ast`, not by importing, so imports inside functions, under
`TYPE_CHECKING` and relative ones count as well as the ones at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
PACKAGE = "amber.plugins"
API = "amber.pluginspec"


def module_name(path: Path) -> str:
    parts = [*path.relative_to(PLUGINS).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def imported(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in `source`, wherever it stands."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            if base != "amber":
                yield node.lineno, base
            else:  # `from amber import events`: the names are the modules
                yield from ((node.lineno, f"amber.{alias.name}") for alias in node.names)
        elif _dynamic(node):
            yield node.lineno, node.args[0].value  # type: ignore[attr-defined]


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a `from ... import` reads, with relative levels resolved."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _dynamic(node: ast.AST) -> bool:
    """`importlib.import_module("amber.x")` or `__import__("amber.x")` with a literal."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    return name in ("import_module", "__import__") and isinstance(first, ast.Constant)


def allowed(name: str) -> bool:
    """Anything outside Amber, the API, and the plugins' own package."""
    inside = name == "amber" or name.startswith("amber.")
    own = name == PACKAGE or name.startswith(PACKAGE + ".")
    return not inside or own or name == API or name.startswith(API + ".")


def crossings(path: Path) -> set[tuple[int, str]]:
    """(line, module) of the imports in one plugin module that reach past the API."""
    source = path.read_text(encoding="utf-8")
    found = imported(source, module_name(path), path.name == "__init__.py")
    return {(line, name) for line, name in found if not allowed(name)}


def plugin_modules() -> list[Path]:
    return sorted(PLUGINS.rglob("*.py"))


def test_plugin_modules_import_only_the_plugin_api() -> None:
    problems = [
        f"plugins/{path.relative_to(PLUGINS).as_posix()}:{line}: imports {name}"
        for path in plugin_modules()
        for line, name in sorted(crossings(path))
    ]
    assert not problems, "use amber.pluginspec instead:\n" + "\n".join(problems)


def test_there_are_plugin_modules_to_check() -> None:
    modules = plugin_modules()
    assert len(modules) > 20, f"only {len(modules)} modules under {PLUGINS}"


HIDDEN = """
from __future__ import annotations
from typing import TYPE_CHECKING
import amber.plugins.sources
from amber.pluginspec import hookimpl
from amber import pluginspec
from . import sibling
if TYPE_CHECKING:
    from amber.store.db import Database
def later():
    import amber.config
    from amber import events
    from .... import service
    importlib.import_module("amber.daemon.paths")
"""


def test_the_check_sees_every_kind_of_import_and_only_those_past_the_api() -> None:
    found = imported(HIDDEN, "amber.plugins.sources.files.source", is_package=False)
    crossing = {n for _, n in found if not allowed(n)}
    assert crossing == {
        "amber.store.db",
        "amber.config",
        "amber.events",
        "amber.service",
        "amber.daemon.paths",
    }

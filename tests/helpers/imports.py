"""Reading a module's imports with `ast`, wherever they stand: at the top, inside
functions, under TYPE_CHECKING, relative ones, and `import_module("amber.x")` calls."""

from __future__ import annotations

import ast
from collections.abc import Iterator


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

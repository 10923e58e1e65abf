"""Changing one `[capture.<source>]` setting in config.toml without disturbing the rest.

The file is the user's: comments, order and other tables stay byte for byte; only the one
`key = value` line changes (or is added at the end of its table, or the table at the end
of the file). The new file is validated as TOML before it replaces the old one.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from amber.config import CONFIG_NAME
from amber.errors import ConfigError, InvalidInputError

_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")


def parse_value(text: str) -> Any:
    """A TOML value as typed on the command line: 5, true, "x", ["a", "b"] (bare words are
    taken as strings)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if re.fullmatch(r"[\w./~:@+-]+", text):
            return text
        raise InvalidInputError(
            f'\'{text}\' is not a value; use e.g. 10, true, "text", ["a", "b"]'
        ) from None


def check_same_kind(key: str, old: Any, new: Any) -> None:
    """A setting keeps its kind: a list of text stays one, a number stays a number."""
    kinds = (
        (bool, "true or false"),
        ((int, float), "a number"),
        (str, "text"),
        (list, 'a list, e.g. ["~/notes"]'),
    )
    for kind, words in kinds:
        if isinstance(old, kind) and not (isinstance(new, kind) and _same_items(old, new)):
            raise InvalidInputError(f"{key} must be {words}, got {new!r}")
        if isinstance(old, kind):
            break
    if isinstance(new, int | float) and not isinstance(new, bool) and new < 0:
        raise InvalidInputError(f"{key} cannot be negative, got {new!r}")


def _same_items(old: Any, new: Any) -> bool:
    """Lists of text stay lists of text (bool is an int to Python: kept apart)."""
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    return not isinstance(new, list) or all(isinstance(item, str) for item in new)


def set_capture_value(home: Path, source: str | None, key: str, value: Any) -> None:
    """`[capture.<source>] key = value`; without a source, `[capture] key = value`."""
    names = [key] if source is None else [key, source]
    if not all(re.fullmatch(r"[A-Za-z0-9_-]+", name) for name in names):
        raise InvalidInputError(f"'{source}.{key}' is not a setting name")
    path = home / CONFIG_NAME
    lines = path.read_text(encoding="utf-8").splitlines()
    table = "capture" if source is None else f"capture.{source}"
    updated = _with_value(lines, table, key, _toml(value))
    text = "\n".join(updated) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} would not be valid TOML ({exc}); edit it by hand") from exc
    tmp = path.with_name(f".{CONFIG_NAME}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _with_value(lines: list[str], table: str, key: str, rendered: str) -> list[str]:
    start = next((i for i, ln in enumerate(lines) if _table_name(ln) == table), None)
    if start is None:
        return [*lines, "", f"[{table}]", f"{key} = {rendered}"]
    end = next((i for i in range(start + 1, len(lines)) if _table_name(lines[i])), len(lines))
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start + 1, end):
        if pattern.match(lines[i]):
            if lines[i].rstrip().endswith("[") or lines[i].count("[") > lines[i].count("]"):
                raise ConfigError(f"{table}.{key} spans several lines; edit config.toml by hand")
            return [*lines[:i], f"{key} = {rendered}", *lines[i + 1 :]]
    insert = end
    while insert > start + 1 and not lines[insert - 1].strip():
        insert -= 1  # keep the blank line before the next table
    return [*lines[:insert], f"{key} = {rendered}", *lines[insert:]]


def _table_name(line: str) -> str | None:
    match = _TABLE.match(line)
    return match[1] if match and not line.lstrip().startswith("[[") else None


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise InvalidInputError(f"{value!r} cannot be written to config.toml")

"""Tool arguments that do not fit a tool's input schema, said in one line an agent can act
on: which argument, what it expects, what it got. (pydantic's own text spans lines, names
its model and ends with a documentation URL.)"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

MAX_PROBLEMS = 5
MAX_SHOWN = 40  # characters of a rejected value quoted back


def describe(tool: str, error: ValidationError) -> str:
    problems: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        name = _argument(detail["loc"])
        problems.setdefault(name, f"'{name}' {_expected(detail)}{_got(detail)}")
    listed = list(problems.values())[:MAX_PROBLEMS]
    return f"bad arguments for {tool}: " + "; ".join(listed) + " (see the tool's input schema)"


def _argument(loc: tuple[int | str, ...]) -> str:
    # A member of a union adds its type to the location (`kind`, `literal[...]`): the
    # argument is what comes before it.
    names = [str(part) for part in loc if isinstance(part, int) or not _is_type_tag(part)]
    return ".".join(names) or "arguments"


def _is_type_tag(part: str) -> bool:
    return "[" in part or part in ("str", "int", "bool", "none", "float", "list", "dict")


def _expected(detail: Any) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind in _LIMITS:
        return _LIMITS[kind].format(**ctx)
    if kind == "string_too_short":
        short = int(ctx.get("min_length", 1)) <= 1
        return "must not be empty" if short else "must have at least {min_length} characters"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind in _TYPES:
        return f"must be {_TYPES[kind]}"
    message = str(detail.get("msg", "is not valid"))
    return "is not valid: " + message[:1].lower() + message[1:]


_LIMITS = {
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "greater_than": "must be more than {gt}",
    "string_too_long": "must have at most {max_length} characters",
    "too_long": "may hold at most {max_length} items",
    "too_short": "must hold at least {min_length} items",
}
_TYPES = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text (a JSON string)",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "extra_forbidden": "left out: this tool has no such argument",
}


def _got(detail: Any) -> str:
    if detail["type"] in ("missing", "extra_forbidden"):
        return ""
    value = detail.get("input")
    if isinstance(value, (dict, list)):
        return ""
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > MAX_SHOWN:
        shown = shown[: MAX_SHOWN - 1] + "…"
    return f", got {shown}"

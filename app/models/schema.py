"""Validating model output against the JSON schema it was constrained by.

The grammar makes llama.cpp emit text of the schema's shape; validation still runs because
a truncated generation (max_tokens) or a grammar the converter simplified can slip through.
Supports the subset Amber's schemas use: object, array, string, integer, number, boolean,
properties, required, items, enum, minLength, maxLength, maxItems. Keep string length bounds
out of schemas that become grammars: llama.cpp unrolls them into one rule per character.
"""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


class SchemaViolation(ValueError):
    pass


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> None:
    expected = schema.get("type")
    if expected and not _is_type(value, expected):
        raise SchemaViolation(f"{where}: expected {expected}, got {type(value).__name__}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaViolation(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        _validate_object(value, schema, where)
    elif isinstance(value, list):
        _validate_array(value, schema, where)
    elif isinstance(value, str):
        _validate_string(value, schema, where)


def _is_type(value: Any, expected: str) -> bool:
    if expected in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[expected])


def _validate_object(value: dict[str, Any], schema: dict[str, Any], where: str) -> None:
    for name in schema.get("required", []):
        if name not in value:
            raise SchemaViolation(f"{where}: missing '{name}'")
    for name, sub in schema.get("properties", {}).items():
        if name in value:
            validate(value[name], sub, f"{where}.{name}")


def _validate_array(value: list[Any], schema: dict[str, Any], where: str) -> None:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise SchemaViolation(f"{where}: more than {schema['maxItems']} items")
    for i, item in enumerate(value):
        validate(item, schema.get("items", {}), f"{where}[{i}]")


def _validate_string(value: str, schema: dict[str, Any], where: str) -> None:
    if len(value) < schema.get("minLength", 0):
        raise SchemaViolation(f"{where}: shorter than {schema['minLength']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaViolation(f"{where}: longer than {schema['maxLength']}")

"""Keeping what a weak model got right before it went wrong.

A grammar makes every token fit the schema, but cannot bound a string's length (llama.cpp
unrolls length bounds into one rule per character), and small models fall into loops that
repeat a sentence until `max_tokens`. `StreamGuard` watches the streamed JSON and stops the
generation once a string runs past any sane length; `salvage` then keeps the complete
objects written before that point, each still checked against the schema.
"""

from __future__ import annotations

import json
from typing import Any

from amber.models.schema import SchemaViolation, validate

MAX_STRING_CHARS = 400
MAX_ATTEMPTS = 200


class RunawayOutput(RuntimeError):
    """The model is repeating itself inside a string; generation is stopped."""


class StreamGuard:
    """An `on_text` callback: collects the text and stops a runaway string."""

    def __init__(self, max_string: int = MAX_STRING_CHARS) -> None:
        self.max_string = max_string
        self.parts: list[str] = []
        self._in_string = False
        self._escaped = False
        self._run = 0

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, piece: str) -> None:
        self.parts.append(piece)
        for char in piece:
            self._step(char)
        if self._in_string and self._run > self.max_string:
            raise RunawayOutput(f"a string ran past {self.max_string} characters")

    def _step(self, char: str) -> None:
        if not self._in_string:
            self._in_string = char == '"'
            self._run = 0
        elif self._escaped:
            self._escaped = False
            self._run += 1
        elif char == "\\":
            self._escaped = True
        elif char == '"':
            self._in_string = False
        else:
            self._run += 1


def salvage_list(text: str, key: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """`{"key": [complete items...]}` from a cut-off `{"key": [item, item, partial...`."""
    ends = [i for i, c in enumerate(text) if c == "}"][-MAX_ATTEMPTS:]
    for end in reversed(ends):
        data = _parse(text[: end + 1] + "]}")
        if isinstance(data, dict) and isinstance(data.get(key), list) and _fits(data, schema):
            return data
    return None


def salvage_object(text: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """An object cut off inside its last string: close the string and the object."""
    for closer in ('"}', "}", '""}'):
        data = _parse(text + closer)
        if isinstance(data, dict) and _fits(data, schema):
            return data
    return None


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _fits(data: Any, schema: dict[str, Any]) -> bool:
    try:
        validate(data, schema)
    except SchemaViolation:
        return False
    return True

"""Chat generation through llama.cpp, always under a JSON-schema grammar, always validated.

Small local models are unreliable at free-form structured output; the grammar makes every
token fit the schema, and validation catches what a cut-off generation leaves behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amber.models import runtime
from amber.models.schema import SchemaViolation, validate

OnText = Callable[[str], None]


@dataclass(frozen=True)
class ChatModelInfo:
    name: str
    path: Path


class ChatModel:
    def __init__(self, info: ChatModelInfo, settings: runtime.RuntimeSettings | None = None):
        self.info = info
        self.settings = settings or runtime.RuntimeSettings()

    @property
    def name(self) -> str:
        return self.info.name

    def generate_json(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        *,
        max_tokens: int = 512,
        on_text: OnText | None = None,
    ) -> dict[str, Any]:
        """Generate one JSON object of the schema's shape; raise ModelError if it is not."""
        llama = runtime.load(self.info.path, embedding=False, settings=self.settings)
        try:
            text = "".join(self._stream(llama, messages, schema, max_tokens, on_text))
        except (ValueError, RuntimeError) as exc:  # llama.cpp's errors, e.g. context overflow
            raise runtime.ModelError(f"{self.name} failed while generating: {exc}") from exc
        try:
            data = json.loads(text)
            validate(data, schema)
        except (json.JSONDecodeError, SchemaViolation) as exc:
            raise runtime.ModelError(
                f"{self.name} returned output that does not fit the schema ({exc}); "
                "try again or use a larger model"
            ) from exc
        return data

    def _stream(
        self,
        llama: Any,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        max_tokens: int,
        on_text: OnText | None,
    ) -> Any:
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        chunks = llama.create_chat_completion(
            messages=messages,
            grammar=grammar,
            stream=True,
            temperature=0.1,
            max_tokens=max_tokens,
            seed=7,
        )
        for chunk in chunks:
            piece = chunk["choices"][0]["delta"].get("content") or ""
            if piece and on_text:
                on_text(piece)
            yield piece


class JsonStringStreamer:
    """Feeds on raw JSON text as it streams and emits the decoded value of one string field,
    so `amber ask` can show the answer while the model is still writing it."""

    def __init__(self, field: str, emit: OnText) -> None:
        self.field = field
        self.emit = emit
        self._raw = ""
        self._start: int | None = None
        self._pos = 0
        self._done = False

    def feed(self, piece: str) -> None:
        self._raw += piece
        if self._done:
            return
        if self._start is None:
            self._find_start()
        if self._start is not None:
            self._emit_available()

    def _find_start(self) -> None:
        key = self._raw.find(f'"{self.field}"')
        colon = self._raw.find(":", key + len(self.field) + 2) if key >= 0 else -1
        quote = self._raw.find('"', colon + 1) if colon >= 0 else -1
        if quote >= 0:
            self._start = self._pos = quote + 1

    def _emit_available(self) -> None:
        out = []
        while self._pos < len(self._raw):
            char = self._raw[self._pos]
            if char == '"':
                self._done = True
                break
            if char == "\\":
                decoded = _unescape(self._raw, self._pos)
                if decoded is None:
                    break  # the escape is not complete yet
                out.append(decoded[0])
                self._pos = decoded[1]
                continue
            out.append(char)
            self._pos += 1
        if out:
            self.emit("".join(out))


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(raw: str, pos: int) -> tuple[str, int] | None:
    if pos + 1 >= len(raw):
        return None
    kind = raw[pos + 1]
    if kind != "u":
        return _ESCAPES.get(kind, kind), pos + 2
    if pos + 6 > len(raw):
        return None
    return chr(int(raw[pos + 2 : pos + 6], 16)), pos + 6

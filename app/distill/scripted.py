"""A scripted chat model: the distiller's model protocol answered from a script.

For tests and demos of the distiller's logic without a neural network. It is a real
implementation of `amber.distill.model.DistillModel`: it reads the prompt the distiller
builds (amber/distill/rewrite_prompt.py: lines under their messages, as JSON) and answers
with JSON that it checks against the schema it was given, as llama.cpp's grammar would
force, streaming it through `on_text` as llama.cpp does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from amber.models.schema import validate

_LINE = re.compile(r'^"(c\d+)": (".*")$', re.MULTILINE)


class ScriptedModel:
    """Answers each line with the rewrite of the first script entry whose text the line
    holds ("" leaves the line out); a line no entry matches comes back as it was."""

    name = "scripted"
    context = 4096

    def __init__(self, rewrites: dict[str, str] | None = None) -> None:
        self.rewrites = rewrites or {}
        self.calls: list[list[dict[str, str]]] = []

    def generate_json(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        *,
        max_tokens: int = 512,
        on_text: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        self.calls.append(messages)
        lines = _LINE.findall(messages[-1]["content"])
        data = {local: self.answer(json.loads(line)) for local, line in lines}
        validate(data, schema)
        if on_text is not None:
            on_text(json.dumps(data))
        return data

    def answer(self, line: str) -> str:
        return next((new for old, new in self.rewrites.items() if old in line), line)

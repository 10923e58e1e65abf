"""A scripted chat model: the distiller's model protocol answered from a script.

For tests and demos of the distiller's logic without a neural network. It is a real
implementation of `amber.distill.model.DistillModel`: it reads the prompts the distiller
builds (the event lines, the candidate and the entries shown) and answers with JSON that
it checks against the schema it was given, as llama.cpp's grammar would force.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amber.models.schema import validate


@dataclass(frozen=True)
class Fact:
    """A memory the scripted model 'finds' in any event whose text contains `trigger`."""

    trigger: str
    title: str
    statement: str
    quote: str
    path: str = ""  # empty: the folder follows the kind
    valid_from: str = ""
    kind: str = "fact"


class ScriptedModel:
    """Finds the scripted facts in the events it is shown; decides curation by the script
    (candidate title word -> action and a word of the target's title), else ADD."""

    name = "scripted"
    context = 4096

    def __init__(self, facts: list[Fact], decisions: dict[str, tuple[str, str]] | None = None):
        self.facts = facts
        self.decisions = decisions or {}  # candidate title word -> (ACTION, target title word)
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
        prompt = messages[-1]["content"]
        data = self._extract(prompt) if "memories" in schema["properties"] else self._curate(prompt)
        validate(data, schema)
        return data

    def _extract(self, prompt: str) -> dict[str, Any]:
        memories = []
        for local, text in re.findall(r"^\[(e\d+)\] \S+ \S+ [^:]+: (.*)$", prompt, re.MULTILINE):
            for fact in self.facts:
                if fact.trigger in text:
                    memories.append(
                        {
                            "title": fact.title,
                            "kind": fact.kind,
                            "path": fact.path,
                            "valid_from": fact.valid_from,
                            "confidence": 0.9,
                            "statements": [
                                {
                                    "text": fact.statement,
                                    "evidence": [{"event": local, "quote": fact.quote}],
                                }
                            ],
                        }
                    )
        return {"memories": memories}

    def _curate(self, prompt: str) -> dict[str, Any]:
        title = re.search(r"^Title: (.*)$", prompt, re.MULTILINE).group(1)  # type: ignore[union-attr]
        shown = dict(re.findall(r"^\[(n\d+)\] (.*)$", prompt, re.MULTILINE))
        for word, (action, target_word) in self.decisions.items():
            if word in title:
                target = next(k for k, v in shown.items() if target_word in v)
                return {"action": action, "target": target, "reason": "scripted"}
        return {"action": "ADD", "target": "none", "reason": "scripted"}

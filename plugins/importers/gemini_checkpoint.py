"""Gemini CLI chat checkpoints: ``~/.gemini/tmp/<project>/checkpoint-<tag>.json``, written
by ``/chat save <tag>`` (``packages/core/src/core/logger.ts``).

A checkpoint is the model's history: a list of ``{"role": "user" | "model", "parts":
[...]}``, bare (older versions) or as ``{"history": [...], "authType"}``. Its messages have
neither ids nor times: a message's id is its place and a hash of its text, and its
conversation is the checkpoint's tag, so saving the chat again under the same tag and
importing it again adds only what is new. The environment context Gemini CLI sends
first is left out. Function calls become a line naming the tool;
function responses (what a tool returned to the model) are only counted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    ReadReport,
    ReportingImporter,
    Thread,
    fail,
    first_line,
    kind_of,
    loads,
    make_draft,
    read_head,
    short_hash,
    text_of,
)
from amber.plugins.importers.gemini import SOURCE, part_text
from amber.pluginspec import EventDraft

_HINT = "is it a Gemini CLI checkpoint (/chat save)?"
# The context Gemini CLI puts before the first prompt (packages/core/src/utils/
# environmentContext.ts) and the model's acknowledgement of it in older versions.
_CONTEXT = ("<session_context>", "This is the Gemini CLI. We are setting up the context")
_ACKNOWLEDGED = "Got it. Thanks for the context!"
_SHAPE = re.compile(rb'(?:\[|\{\s*"history"\s*:\s*\[)\s*\{\s*"role"\s*:')


def _history(path: Path) -> list[Any]:
    try:
        document = loads(path.read_text("utf-8", "surrogateescape"))
    except json.JSONDecodeError as err:
        problem = f"not valid JSON at line {err.lineno}, column {err.colno} ({err.msg})"
        raise fail(str(path), problem, "the file may be cut short; nothing was stored") from None
    except RecursionError:
        raise fail(str(path), "JSON nested too deeply to read", _HINT) from None
    if isinstance(document, dict) and isinstance(document.get("history"), list):
        return document["history"]
    if isinstance(document, list):
        return document
    raise fail(str(path), f"expected a list of messages, got {kind_of(document)}", _HINT)


def _text(parts: object, report: ReadReport) -> str:
    lines = [part_text(parts)]
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict) and isinstance(part.get("functionCall"), dict):
            call = part["functionCall"]
            args = json.dumps(call.get("args", {}), ensure_ascii=False, sort_keys=True)
            lines.append(f"[tool call] {text_of(call.get('name'))} {args}")
        elif isinstance(part, dict) and "functionResponse" in part:
            report.ignored["tool response"] += 1
    return "\n".join(line for line in lines if line.strip())


class GeminiCheckpointImporter(ReportingImporter):
    name = "gemini-checkpoint"
    description = "Gemini CLI chat checkpoints (~/.gemini/tmp/*/checkpoint-<tag>.json)"

    def detect(self, path: Path) -> bool:
        if path.suffix.lower() != ".json":
            return False
        return bool(_SHAPE.match(read_head(path, 2048))) and b'"parts"' in read_head(path, 4096)

    def _drafts(self, path: Path, report: ReadReport) -> Iterator[EventDraft]:
        history = _history(path)
        tag = path.stem.removeprefix("checkpoint-")
        thread = Thread(SOURCE, str(path.resolve()), f"gemini-checkpoint-{tag}", "")
        for number, message in enumerate(history, start=1):
            where = f"{path}: message {number}"
            if not isinstance(message, dict):
                report.skip(where, f"a message that is {kind_of(message)}; left out")
                continue
            text = _text(message.get("parts"), report)
            if text.lstrip().startswith(_CONTEXT) or text.strip() == _ACKNOWLEDGED:
                report.ignored["environment context"] += 1
                continue
            if not thread.title and message.get("role") == "user" and text.strip():
                thread = Thread(thread.source, thread.uri, thread.conversation, first_line(text))
            author = "assistant" if message.get("role") == "model" else "user"
            message_id = f"{number}-{short_hash(author, text, size=8)}"
            draft = make_draft(thread, message_id, text, report, where, author=author)
            if draft:
                yield draft
        report.finished = True

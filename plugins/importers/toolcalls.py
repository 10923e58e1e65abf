"""Tool calls in agent sessions: one event per call, holding its input and its result.

A call and its result arrive as separate records (an assistant ``tool_use``, then a user
``tool_result``; a Codex ``function_call``, then its ``function_call_output``). Keeping them
apart would store a command without its outcome and an outcome without its question, so
the call waits in ``PendingCalls`` until its result comes and both become one event, with
the call's id as the event's message id.

Large inputs and outputs (file contents, long command output) are cut to a preview, the
start and the end, plus the size and the sha256 of the full text, so the event stays small
and a copy of the full text can still be matched to it.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from amber.plugins.importers.common import ReadReport, Thread, loads, make_draft, to_utc
from amber.pluginspec import EventDraft

PREVIEW_LIMIT = 4000  # text longer than this is cut
PREVIEW_HEAD = 1500
PREVIEW_TAIL = 500
MAX_PENDING = 256  # calls waiting for a result, per session file
RESULT_RULE = "--- result ---"
ERROR_RULE = "--- result (error) ---"
# The key that says what a call does, in the order they are looked for.
_MAIN_KEYS = ("command", "cmd", "file_path", "path", "pattern", "url", "query", "prompt")
_SHELLS = frozenset({"bash", "sh", "zsh", "/bin/bash", "/bin/sh", "/bin/zsh"})


@dataclass(frozen=True)
class Cut:
    text: str
    chars: int  # length of the full text
    sha256: str | None  # of the full text, only when it was cut

    def meta(self, prefix: str) -> dict[str, Any]:
        if self.sha256 is None:
            return {}
        return {f"{prefix}_chars": self.chars, f"{prefix}_sha256": self.sha256}


def cut(text: str, limit: int = PREVIEW_LIMIT) -> Cut:
    """``text`` itself when short; else its start and end around a marker line."""
    if len(text) <= limit:
        return Cut(text, len(text), None)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    left = len(text) - PREVIEW_HEAD - PREVIEW_TAIL
    marker = f"\n[… {left:,} more characters; full text {len(text):,} chars, sha256 {digest}]\n"
    return Cut(text[:PREVIEW_HEAD] + marker + text[-PREVIEW_TAIL:], len(text), digest)


@dataclass
class ToolCall:
    """A call waiting for its result. Plain fields, so it can be saved in a checkpoint."""

    id: str
    name: str
    input: str  # already rendered and cut
    timestamp: str | None  # ISO 8601
    record: str = ""  # the id of the record that made the call
    input_chars: int = 0
    input_sha256: str | None = None

    @classmethod
    def make(
        cls, call_id: str, name: str, arguments: object, when: object, record: str = ""
    ) -> ToolCall:
        shown = cut(render_input(name, arguments))
        stamp = to_utc(when)
        return cls(
            call_id,
            name,
            shown.text,
            stamp.isoformat() if stamp else None,
            record,
            shown.chars,
            shown.sha256,
        )

    @property
    def when(self) -> datetime | None:
        return to_utc(self.timestamp)


def call_text(
    call: ToolCall, output: str | None, is_error: bool = False
) -> tuple[str, dict[str, Any]]:
    """The event text and meta of a call with its result (``None``: no result recorded)."""
    meta: dict[str, Any] = {"tool": call.name}
    if call.input_sha256:
        meta |= {"input_chars": call.input_chars, "input_sha256": call.input_sha256}
    if output is None:
        meta["result"] = "missing"
        return call.input, meta
    shown = cut(output)
    meta |= shown.meta("output")
    if is_error:
        meta["is_error"] = True
    return f"{call.input}\n{ERROR_RULE if is_error else RESULT_RULE}\n{shown.text}", meta


def tool_draft(
    thread: Thread,
    message_id: str,
    text: str,
    report: ReadReport,
    where: str,
    when: datetime | None,
    meta: dict[str, Any],
) -> EventDraft | None:
    """The event of a tool call or its result: by the tool, and untrusted, because what a
    tool returns (a web page, a file, command output) is text from outside."""
    return make_draft(
        thread,
        message_id,
        text,
        report,
        where,
        author="tool",
        timestamp=when,
        trust="untrusted",
        meta=meta,
    )


def orphan_text(output: str, is_error: bool) -> tuple[str, dict[str, Any]]:
    """A result whose call was not seen (it was in a part of the session not read)."""
    shown = cut(output)
    meta: dict[str, Any] = {"result": "without call", **shown.meta("output")}
    if is_error:
        meta["is_error"] = True
    return f"(result of a tool call not in this file)\n{shown.text}", meta


def render_input(name: str, arguments: object) -> str:
    """``Name: <main argument>`` then one ``key: value`` line per other argument."""
    if isinstance(arguments, str):
        arguments = _maybe_json(arguments)
    if not isinstance(arguments, dict):
        return f"{name}: {_value(arguments)}".rstrip(": ")
    main = next((k for k in _MAIN_KEYS if k in arguments), None)
    head = f"{name}: {_value(arguments[main])}" if main else name
    rest = [f"{k}: {_value(v)}" for k, v in arguments.items() if k != main]
    return "\n".join([head, *rest])


def render_output(value: object) -> str:
    """Tool output as text: a string, a list of content blocks, or any JSON value."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(filter(None, (_block_text(b) for b in value)))
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def _block_text(block: object) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return ""
    if isinstance(block.get("text"), str):
        return block["text"]
    kind = block.get("type")
    if kind in ("image", "input_image"):
        return "[image]"
    return json.dumps(block, ensure_ascii=False) if kind is None else f"[{kind}]"


def _value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return _command_line(value)
    return json.dumps(value, ensure_ascii=False)


def _command_line(argv: list[str]) -> str:
    """``["bash", "-lc", "make test"]`` reads best as ``make test``."""
    if len(argv) == 3 and argv[0] in _SHELLS and argv[1] in ("-c", "-lc"):
        return argv[2]
    return shlex.join(argv)


def _maybe_json(text: str) -> object:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        return loads(stripped)
    except (ValueError, RecursionError):
        return text


class PendingCalls:
    """Calls waiting for their results, oldest first; at most MAX_PENDING are held."""

    def __init__(self, saved: list[dict[str, Any]] | None = None) -> None:
        self._calls: OrderedDict[str, ToolCall] = OrderedDict()
        for item in saved or []:
            try:
                call = ToolCall(**item)
            except TypeError:
                continue  # a checkpoint from another version: that call is given up
            self._calls[call.id] = call

    def add(self, call: ToolCall) -> ToolCall | None:
        """Hold ``call``; returns the oldest call when one must make room (emit it alone)."""
        self._calls[call.id] = call
        if len(self._calls) > MAX_PENDING:
            return self._calls.popitem(last=False)[1]
        return None

    def take(self, call_id: str) -> ToolCall | None:
        return self._calls.pop(call_id, None)

    def drain(self) -> list[ToolCall]:
        calls = list(self._calls.values())
        self._calls.clear()
        return calls

    def state(self) -> list[dict[str, Any]]:
        return [asdict(call) for call in self._calls.values()]

    def __len__(self) -> int:
        return len(self._calls)

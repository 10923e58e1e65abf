"""Codex CLI session logs: ``~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``, and
``~/.codex/archived_sessions/rollout-<time>-<id>.jsonl`` once a thread is archived.

Each line is ``{"timestamp", "type", "payload"}``: ``session_meta`` (the session id, cwd,
version), ``turn_context`` (the model), ``response_item`` (what the model saw and said:
``message``, ``reasoning``, ``function_call`` / ``custom_tool_call`` / ``local_shell_call``
and their ``*_output``), ``event_msg`` (the same conversation again as UI events, so it is
only counted) and ``compacted`` (a summary that replaces earlier turns). Logs written
before the wrapper existed hold the response items bare, after a first line with the
session ``id`` and start time; both shapes are read, and an event without a time of its own
(every event of those older logs) gets the session's start time.

Messages carry no ids of their own, so an event's id is a hash of its timestamp, role and
text; calls are paired with their output by ``call_id`` into one event with that id.
Developer/system prompts, the environment and AGENTS.md preambles, and encrypted
reasoning are left out.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    ReadReport,
    first_line,
    kind_of,
    loads,
    short_hash,
    text_of,
    to_utc,
)
from amber.plugins.importers.lines import LineFileImporter, sniff_jsonl
from amber.plugins.importers.toolcalls import ToolCall, call_text, render_output
from amber.plugins.importers.transcripts import TranscriptParser, agent_dir, jsonl_head
from amber.pluginspec import EventDraft

SOURCE = "codex"
CALLS = frozenset({"function_call", "custom_tool_call", "local_shell_call"})
OUTPUTS = frozenset({"function_call_output", "custom_tool_call_output"})
ITEM_TYPES = CALLS | OUTPUTS | {"message", "reasoning", "web_search_call"}
_PREAMBLES = ("<environment_context>", "<user_instructions>", "# AGENTS.md instructions")
_PREAMBLES += ("<INSTRUCTIONS>",)
_EXIT = re.compile(r"\AExit code: (-?[0-9]{1,18})(?![0-9])")
_NAME = re.compile(r"rollout-[0-9T:\-]+-([0-9a-fA-F\-]{36})$")


def default_dir() -> Path:
    """Where Codex keeps session logs (``CODEX_HOME`` moves it)."""
    return agent_dir("CODEX_HOME", ".codex", "sessions")


def archived_dir() -> Path:
    """Where Codex moves the session logs of archived threads (same format)."""
    return agent_dir("CODEX_HOME", ".codex", "archived_sessions")


class CodexParser(TranscriptParser):
    """Turns the lines of one rollout file into events; see the module docstring."""

    source = SOURCE

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        super().__init__(path, report, state)
        saved = state or {}
        self.model = text_of(saved.get("model"))
        self.cwd = text_of(saved.get("cwd"))
        self.started = to_utc(saved.get("started"))

    @staticmethod
    def session_of(path: Path) -> str:
        """The id at the end of ``rollout-<time>-<id>.jsonl``."""
        name = _NAME.search(path.stem)
        return name.group(1) if name else path.stem

    def state(self) -> dict[str, Any]:
        started = self.started.isoformat() if self.started else None
        return super().state() | {"model": self.model, "cwd": self.cwd, "started": started}

    def draft(
        self,
        message_id: str,
        text: str,
        where: str,
        *,
        author: str,
        timestamp: datetime | None,
        meta: dict[str, Any] | None = None,
    ) -> EventDraft | None:
        """A message, at the session's start when it has no time of its own."""
        when = timestamp or self.started
        return super().draft(message_id, text, where, author=author, timestamp=when, meta=meta)

    def tool_draft(
        self, message_id: str, text: str, where: str, when: datetime | None, meta: dict[str, Any]
    ) -> EventDraft | None:
        return super().tool_draft(message_id, text, where, when or self.started, meta)

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        where, record = self.record(line, lineno)
        if record is None:
            return []
        kind = record.get("type")
        payload = record.get("payload")
        if not isinstance(payload, dict):  # the older, unwrapped shape
            kind, payload = _legacy(record)
        when = record.get("timestamp")
        if not isinstance(kind, str):
            self.report.skip(where, f'the record "type" is {kind_of(kind)}, not a name')
            return []
        if kind == "response_item":
            return self._item(payload, when, lineno, where)
        if kind == "compacted":
            return self._drafts(self._summary(payload, when, where))
        if kind in ("session_meta", "turn_context"):
            self._context(payload)
        elif kind not in ("event_msg", "state"):
            self.report.skip(where, f"unknown record type {kind!r} (a newer Codex?)")
            return []
        self.report.ignored[f"{kind} record"] += 1
        return []

    def finish(self) -> list[EventDraft]:
        return self._drafts(*(self._call_event(c, None, False, "") for c in self.pending.drain()))

    def _context(self, payload: dict[str, Any]) -> None:
        self.session = text_of(payload.get("id")) or self.session
        self.model = text_of(payload.get("model")) or self.model
        self.cwd = text_of(payload.get("cwd")) or self.cwd
        self.started = self.started or to_utc(payload.get("timestamp"))

    # --- response items ---
    def _item(
        self, item: dict[str, Any], when: object, lineno: int, where: str
    ) -> list[EventDraft]:
        kind = item.get("type")
        if not isinstance(kind, str):
            self.report.skip(where, f'the response item "type" is {kind_of(kind)}, not a name')
            return []
        if kind == "message":
            return self._drafts(self._message(item, when, lineno, where))
        if kind in CALLS or kind == "web_search_call":
            return self._call(item, when, where)
        if kind in OUTPUTS:
            return self._drafts(self._output(item, when, where))
        if kind == "reasoning":
            self.report.ignored["reasoning"] += 1
        else:
            self.report.skip(where, f"unknown response item {kind!r}; it was left out")
        return []

    def _message(
        self, item: dict[str, Any], when: object, lineno: int, where: str
    ) -> EventDraft | None:
        role = text_of(item.get("role"))
        text = _content_text(item.get("content"))
        if role in ("developer", "system") or text.lstrip().startswith(_PREAMBLES):
            self.report.ignored["instructions and environment"] += 1
            return None
        if role == "user" and not self.title:
            self.title = first_line(text)
        basis = (when, role, text) if when else (lineno, role, text)
        message_id = text_of(item.get("id")) or "m-" + short_hash(*basis)
        meta = {"model": self.model} if role == "assistant" and self.model else {}
        return self.draft(
            message_id, text, where, author=role, timestamp=to_utc(when), meta=meta | self._cwd()
        )

    def _summary(self, payload: dict[str, Any], when: object, where: str) -> EventDraft | None:
        text = text_of(payload.get("message"))
        message_id = "summary-" + short_hash(when, text)
        return self.draft(
            message_id, text, where, author="summary", timestamp=to_utc(when), meta=self._cwd()
        )

    def _call(self, item: dict[str, Any], when: object, where: str) -> list[EventDraft]:
        kind = text_of(item.get("type"))
        call_id = text_of(item.get("call_id")) or text_of(item.get("id"))
        if not call_id and kind == "web_search_call":  # searches carry no id of their own
            call_id = "search-" + short_hash(when, json.dumps(item.get("action"), sort_keys=True))
        if not call_id:
            self.report.skip(where, f"a {kind} without a call_id; it was left out")
            return []
        name, arguments = _call_parts(item, kind)
        call = ToolCall.make(call_id, name, arguments, when)
        if kind == "web_search_call":  # answered inside the model's next message
            return self._drafts(self._call_event(call, None, False, where))
        evicted = self.pending.add(call)
        return self._drafts(self._call_event(evicted, None, False, where)) if evicted else []

    def _output(self, item: dict[str, Any], when: object, where: str) -> EventDraft | None:
        call_id = text_of(item.get("call_id"))
        output, is_error, exit_code = _output(item.get("output"))
        call = self.pending.take(call_id)
        if call is None:
            return self.orphan(call_id, output, is_error, to_utc(when), where)
        return self._call_event(call, output, is_error, where, exit_code)

    def _call_event(
        self,
        call: ToolCall,
        output: str | None,
        is_error: bool,
        where: str,
        exit_code: int | None = None,
    ) -> EventDraft | None:
        text, meta = call_text(call, output, is_error)
        if exit_code is not None:
            meta["exit_code"] = exit_code
        where = where or f"{self.path}: call {call.id}"
        return self.tool_draft(call.id, text, where, call.when, meta | self._cwd())

    def _cwd(self) -> dict[str, Any]:
        return {"cwd": self.cwd} if self.cwd else {}

    @staticmethod
    def _drafts(*drafts: EventDraft | None) -> list[EventDraft]:
        return [d for d in drafts if d is not None]


def _legacy(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Map a line of the older unwrapped shape onto (record type, payload)."""
    kind = record.get("type")
    if isinstance(kind, str) and kind in ITEM_TYPES:
        return "response_item", record
    if "record_type" in record:
        return "state", record
    if "id" in record and "type" not in record:
        return "session_meta", record
    return text_of(record.get("type")) or "untyped", record


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    parts = []
    for block in content:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            parts.append(block["text"])
        elif isinstance(block, dict) and block.get("type") == "input_image":
            parts.append("[image]")
    return "\n\n".join(p for p in parts if p.strip())


def _call_parts(item: dict[str, Any], kind: str) -> tuple[str, object]:
    if kind == "local_shell_call":
        action = item.get("action") if isinstance(item.get("action"), dict) else {}
        return "shell", {"command": action.get("command")}
    if kind == "web_search_call":
        action = item.get("action") if isinstance(item.get("action"), dict) else {}
        return "web_search", {"query": action.get("query")}
    arguments = item.get("arguments") if kind == "function_call" else item.get("input")
    return text_of(item.get("name")) or kind, arguments


def _output(value: object) -> tuple[str, bool, int | None]:
    """(text, failed, exit code) from the shapes Codex has written over time."""
    if isinstance(value, dict):
        value = value.get("content", value.get("output", value))
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            decoded = loads(value)
        except (ValueError, RecursionError):
            decoded = None
        if isinstance(decoded, dict) and "output" in decoded:
            meta = decoded.get("metadata") if isinstance(decoded.get("metadata"), dict) else {}
            code = meta.get("exit_code")
            code = code if isinstance(code, int) else None
            return render_output(decoded["output"]), bool(code), code
    text = render_output(value)
    match = _EXIT.match(text)
    code = int(match.group(1)) if match else None
    return text, bool(code), code


class CodexImporter(LineFileImporter):
    name = "codex"
    description = "Codex CLI session logs (~/.codex/sessions, ~/.codex/archived_sessions)"
    parser = CodexParser

    def detect(self, path: Path) -> bool:
        head = jsonl_head(path)
        if path.name.startswith("rollout-"):
            return head.startswith(b"{")
        return sniff_jsonl(head, b'"session_meta"') or sniff_jsonl(head, b'"response_item"')

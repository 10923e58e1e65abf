"""Gemini CLI sessions: ``~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl``.

Gemini CLI records each session (``packages/core/src/services/chatRecordingService.ts``):
until late 2025 as one JSON document, ``{"sessionId", "projectHash", "startTime",
"lastUpdated", "messages": [...], "summary"}`` (``.json``); since then as JSONL, a first
line with the same fields but no messages, then one line per message, a message written
again when it changes (its last line wins), ``{"$set": {...}}`` to change the session's
fields (``messages`` among them: the whole list again) and ``{"$rewindTo": id}`` when the
user rewinds: that message and those after it are dropped (counted, not stored).

A message is ``{"id", "timestamp", "type", "content"}``: ``user``; ``gemini`` (with
``model``, ``thoughts``, ``toolCalls``); ``info``, ``error``, ``warning`` (the UI's own
notices, only counted). ``content`` is text or a list of parts (``{"text"}``,
``{"inlineData"}``...). Each tool call becomes one event with its result. The session's
title is its ``summary`` (Gemini CLI writes one), else its first prompt.

``/chat save <tag>`` checkpoints (``checkpoint-<tag>.json``: the model's history, a list
of ``{"role", "parts"}``, bare or under ``"history"``) are read too; their messages have
neither ids nor times, so an id is the message's place and a hash of its text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    text_of,
    to_utc,
)
from amber.plugins.importers.lines import json_line
from amber.plugins.importers.toolcalls import ToolCall, call_text, render_output, tool_draft
from amber.plugins.importers.transcripts import agent_dir
from amber.pluginspec import EventDraft

SOURCE = "gemini-cli"
FINAL = frozenset({"success", "error", "cancelled"})  # a tool call's status once it is over
NOTICES = frozenset({"info", "error", "warning"})


def default_dir() -> Path:
    """Gemini CLI's per-project folders (``GEMINI_CLI_HOME`` replaces the home folder)."""
    return agent_dir("GEMINI_CLI_HOME", "", ".gemini/tmp")


@dataclass
class Session:
    """A session file read to its end: its fields and its messages, last version of each."""

    fields: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def update(self, record: dict[str, Any], report: ReadReport, where: str) -> None:
        if isinstance(record.get("$rewindTo"), str):
            self._rewind(record["$rewindTo"], report)
        elif isinstance(record.get("$set"), dict):
            self._fields(record["$set"], report, where)
        elif isinstance(record.get("id"), str) and "type" in record:
            self.messages[record["id"]] = record
        elif isinstance(record.get("sessionId"), str):
            self._fields(record, report, where)
        else:
            report.skip(where, "neither a message nor the session's fields; left out")

    def _fields(self, values: dict[str, Any], report: ReadReport, where: str) -> None:
        listed = values.get("messages")
        if isinstance(listed, list):
            self.messages = {}
            for number, message in enumerate(listed):
                self.update_message(message, report, f"{where}: message {number + 1}")
        self.fields |= {k: v for k, v in values.items() if k != "messages"}

    def update_message(self, message: object, report: ReadReport, where: str) -> None:
        if isinstance(message, dict) and isinstance(message.get("id"), str):
            self.messages[message["id"]] = message
        else:
            report.skip(where, f"a message that is {kind_of(message)} without an id; left out")

    def _rewind(self, message_id: str, report: ReadReport) -> None:
        ids = list(self.messages)
        cut = ids.index(message_id) if message_id in ids else 0
        for gone in ids[cut:]:
            del self.messages[gone]
            report.ignored["rewound message"] += 1


def read_session(path: Path, report: ReadReport) -> Session:
    """The whole session file, in either shape. Raises ImportFormatError when a ``.json``
    document does not parse; a bad line of a ``.jsonl`` file is skipped and listed."""
    session = Session()
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            for lineno, raw in enumerate(handle, start=1):
                where = f"{path}: line {lineno}"
                record = json_line(raw, where, report)
                if record is not None:
                    session.update(record, report, where)
        return session
    document = _document(path)
    if not isinstance(document, dict):
        raise fail(str(path), f"expected a session object, got {kind_of(document)}", _HINT)
    session.update(document, report, str(path))
    return session


_HINT = "is it a Gemini CLI session file (~/.gemini/tmp/*/chats)?"


def _document(path: Path) -> Any:
    try:
        return loads(path.read_text("utf-8", "surrogateescape"))
    except json.JSONDecodeError as err:
        problem = f"not valid JSON at line {err.lineno}, column {err.colno} ({err.msg})"
        raise fail(str(path), problem, "the file may be cut short; nothing was stored") from None
    except RecursionError:
        raise fail(str(path), "JSON nested too deeply to read", _HINT) from None


def part_text(content: object) -> str:
    """The text of a message's content: a string, a part, or a list of parts."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            if not part.get("thought"):
                texts.append(part["text"])
        elif isinstance(part, dict) and ("inlineData" in part or "fileData" in part):
            texts.append("[attachment]")
    return "\n\n".join(t for t in texts if t.strip())


class SessionEvents:
    """The events of one session; ``final``: tool calls still running count as over
    (a one-shot import) rather than waiting for their result (a file still being written)."""

    def __init__(self, path: Path, report: ReadReport, final: bool = True) -> None:
        self.path = path
        self.report = report
        self.final = final

    def drafts(self, session: Session) -> Iterator[EventDraft]:
        fields = session.fields
        conversation = text_of(fields.get("sessionId")) or self.path.stem
        thread = Thread(SOURCE, str(self.path.resolve()), conversation, _title(session))
        for message in session.messages.values():
            yield from self._message(thread, message)

    def _message(self, thread: Thread, message: dict[str, Any]) -> Iterator[EventDraft]:
        kind = text_of(message.get("type"))
        where = f"{self.path}: message {text_of(message.get('id'))}"
        if kind in NOTICES:
            self.report.ignored[f"{kind} notice"] += 1
            return
        if kind not in ("user", "gemini"):
            self.report.skip(where, f"unknown message type {kind!r} (a newer Gemini CLI?)")
            return
        if message.get("thoughts"):
            self.report.ignored["thoughts"] += 1
        author = "user" if kind == "user" else "assistant"
        model = text_of(message.get("model"))
        text = part_text(message.get("content"))
        draft = make_draft(
            thread,
            text_of(message.get("id")),
            text,
            self.report,
            where,
            author=author,
            timestamp=to_utc(message.get("timestamp")),
            meta={"model": model} if model else {},
        )
        if draft:
            yield draft
        for call in message.get("toolCalls") or []:
            if isinstance(call, dict):
                yield from self._call(thread, call, where)

    def _call(self, thread: Thread, call: dict[str, Any], where: str) -> Iterator[EventDraft]:
        call_id = text_of(call.get("id"))
        status = text_of(call.get("status"))
        if not call_id:
            self.report.skip(where, "a tool call without an id; it was left out")
            return
        if status not in FINAL and not self.final:
            return  # still running: taken once its result is written
        name = text_of(call.get("name")) or "tool"
        made = ToolCall.make(call_id, name, call.get("args"), call.get("timestamp"))
        output = _output(call) if status in FINAL else None
        text, meta = call_text(made, output, status == "error")
        draft = tool_draft(thread, call_id, text, self.report, where, made.when, meta)
        if draft:
            yield draft


def _output(call: dict[str, Any]) -> str:
    shown = call.get("resultDisplay")
    if isinstance(shown, str) and shown.strip():
        return shown
    parts = call.get("result") if isinstance(call.get("result"), list) else [call.get("result")]
    for part in parts:
        response = part.get("functionResponse") if isinstance(part, dict) else None
        if isinstance(response, dict) and isinstance(response.get("response"), dict):
            answer = response["response"]
            return render_output(answer.get("output", answer.get("error", answer)))
    return render_output(call.get("result"))


def _title(session: Session) -> str:
    summary = text_of(session.fields.get("summary"))
    if summary.strip():
        return first_line(summary)
    for message in session.messages.values():
        if message.get("type") == "user":
            text = part_text(message.get("content"))
            if text.strip() and not text.lstrip().startswith("/"):
                return first_line(text)
    return ""


class GeminiSessionImporter(ReportingImporter):
    name = "gemini-cli"
    description = "Gemini CLI sessions (~/.gemini/tmp/*/chats/session-*.json, .jsonl)"

    def detect(self, path: Path) -> bool:
        if path.suffix.lower() not in (".json", ".jsonl"):
            return False
        head = read_head(path, 4096)
        return head.startswith(b"{") and b'"sessionId"' in head and b'"projectHash"' in head

    def _drafts(self, path: Path, report: ReadReport) -> Iterator[EventDraft]:
        yield from SessionEvents(path, report).drafts(read_session(path, report))
        report.finished = True

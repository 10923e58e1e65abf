"""What the coding-agent transcript parsers (Claude Code, Codex) share.

Both read one JSONL file per session, keep the session id and title and the tool calls
still waiting for their result in their checkpoint, and make the same kinds of events:
messages, tool calls paired with their results, and results whose call is not in the
file. The formats differ only in how records say these things.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import ReadReport, Thread, make_draft, read_head, text_of
from amber.plugins.importers.lines import json_line
from amber.plugins.importers.toolcalls import PendingCalls, orphan_text, tool_draft
from amber.pluginspec import EventDraft


def agent_dir(variable: str, default: str, folder: str) -> Path:
    """``$variable/folder``, or ``~/default/folder`` when the variable is unset or empty:
    the agents let their users move their whole config folder that way."""
    base = os.environ.get(variable)
    return (Path(base) if base else Path.home() / default) / folder


def jsonl_head(path: Path) -> bytes:
    """The head of a ``.jsonl`` file for sniffing; b'' for any other file."""
    return read_head(path) if path.suffix.lower() == ".jsonl" else b""


class TranscriptParser:
    """The part of a transcript parser that does not depend on the format; subclasses
    set ``source`` and implement ``feed`` and ``finish`` (see ``lines.LineParser``)."""

    source = ""

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        saved = state or {}
        self.path = path
        self.report = report
        self.uri = str(path.resolve())
        self.session = text_of(saved.get("session")) or self.session_of(path)
        self.title = text_of(saved.get("title"))
        self.pending = PendingCalls(saved.get("pending"))

    @staticmethod
    def session_of(path: Path) -> str:
        """The session id when the records have not named it (yet): the file's name."""
        return path.stem

    def state(self) -> dict[str, Any]:
        return {"session": self.session, "title": self.title, "pending": self.pending.state()}

    def record(self, line: bytes, lineno: int) -> tuple[str, dict[str, Any] | None]:
        """(where, the line's JSON object); None, noted in the report, for a bad line."""
        where = f"{self.path}: line {lineno}"
        return where, json_line(line, where, self.report)

    def thread(self) -> Thread:
        """Where this session's events belong (session and title can change as it is read)."""
        return Thread(self.source, self.uri, self.session, self.title)

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
        """A message of this session (see ``common.make_draft``)."""
        return make_draft(
            self.thread(),
            message_id,
            text,
            self.report,
            where,
            author=author,
            timestamp=timestamp,
            meta=meta,
        )

    def tool_draft(
        self, message_id: str, text: str, where: str, when: datetime | None, meta: dict[str, Any]
    ) -> EventDraft | None:
        """A tool call or its result in this session (see ``toolcalls.tool_draft``)."""
        return tool_draft(self.thread(), message_id, text, self.report, where, when, meta)

    def orphan(
        self, call_id: str, output: str, is_error: bool, when: datetime | None, where: str
    ) -> EventDraft | None:
        """A result whose call is not in this file (before a resume, or cut off)."""
        text, meta = orphan_text(output, is_error)
        return self.tool_draft(f"{call_id}#result", text, where, when, meta)

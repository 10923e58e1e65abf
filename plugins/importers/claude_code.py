"""Claude Code session transcripts: ``~/.claude/projects/<project>/<session>.jsonl``.

One JSON object per line. ``user`` and ``assistant`` records carry ``uuid``, ``parentUuid``,
``sessionId``, ``timestamp``, ``cwd``, ``gitBranch`` and an API ``message`` whose content is
text or a list of blocks (``text``, ``tool_use``, ``tool_result``, ``thinking``, ``image``).
A prompt typed while the agent was busy is an ``attachment`` record holding a
``queued_command``; it is stored as the user's message like any other prompt. The other
records (``summary``, ``system``, ``last-prompt``, ``permission-mode``, ``custom-title``...,
``BOOKKEEPING``) are bookkeeping and are only counted; a ``custom-title`` (``/rename``)
names the session.

Each text becomes an event with the record's ``uuid`` as its id and the session id as its
conversation, so a session copied into a new file on resume adds nothing twice. A
``tool_use`` waits for its ``tool_result`` and both become one event whose id is the
call's ``toolu_...`` id. Thinking blocks, meta records (``isMeta``), synthetic assistant
messages and interrupt notices are left out. Prompts of subagents and of the compaction
agent are stored with the authors ``agent:subagent`` and ``agent:compaction``, never as
the user's; the session's title is chosen in ``claude_titles``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from amber.plugins.importers import claude_titles as titles
from amber.plugins.importers.common import ReadReport, kind_of, short_hash, text_of, to_utc
from amber.plugins.importers.lines import LineFileImporter, sniff_jsonl
from amber.plugins.importers.toolcalls import ToolCall, call_text, render_output
from amber.plugins.importers.transcripts import TranscriptParser, agent_dir, jsonl_head
from amber.pluginspec import EventDraft

SOURCE = "claude-code"
# Records that hold no message: the session's state, titles, the prompt queue, UI modes.
BOOKKEEPING = frozenset(
    {
        "summary",
        "system",
        "file-history-snapshot",
        "file-history-delta",
        "queue-operation",
        "progress",
        "last-prompt",
        "ai-title",
        "custom-title",
        "agent-name",
        "permission-mode",
        "mode",
        "pr-link",
        "bridge-session",
        "todos",
        "session-hook",
    }
)
# What a transcript's first line holds (newer versions may open with a bookkeeping record).
_MARKERS = (
    b'"sessionId"',
    b'"leafUuid"',
    b'"file-history-snapshot"',
    b'"type":"permission-mode"',
    b'"type":"custom-title"',
)


def default_dir() -> Path:
    """Where Claude Code keeps transcripts (``CLAUDE_CONFIG_DIR`` moves it)."""
    return agent_dir("CLAUDE_CONFIG_DIR", ".claude", "projects")


class ClaudeCodeParser(TranscriptParser):
    """Turns the lines of one transcript into events; see the module docstring."""

    source = SOURCE

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        super().__init__(path, report, state)
        if state:  # a checkpoint from before title kinds: its title was a prompt's
            self.title_kind = text_of(state.get("title_kind")) or (
                titles.PROMPT if self.title else ""
            )
        else:  # first read of this file: its title as far as it is written
            self.title, self.title_kind = titles.scan_title(path)

    def state(self) -> dict[str, Any]:
        return super().state() | {"title_kind": self.title_kind}

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        where, record = self.record(line, lineno)
        if record is None:
            return []
        kind = record.get("type")
        if not isinstance(kind, str | None):
            self.report.skip(where, f'the record "type" is {kind_of(kind)}, not a name')
            return []
        if kind in ("user", "assistant"):
            return self._message(record, where)
        if kind == "attachment":
            return self._attachment(record, where)
        if kind in BOOKKEEPING:
            if kind == "custom-title":
                self._offer_title(titles.custom_title(record), titles.CUSTOM)
            self.report.ignored[f"{kind} record"] += 1
        else:
            self.report.skip(where, f"unknown record type {kind!r} (a newer Claude Code?)")
        return []

    def finish(self) -> list[EventDraft]:
        return [d for call in self.pending.drain() if (d := self._unpaired(call))]

    def _offer_title(self, title: str, kind: str) -> None:
        if title and titles.stronger(kind, self.title_kind):
            self.title, self.title_kind = title, kind

    # --- records ---
    def _attachment(self, record: dict[str, Any], where: str) -> list[EventDraft]:
        """A prompt queued while the agent was busy is the user's message; any other
        attachment (file contents, tool lists, notifications) is bookkeeping."""
        prompt = titles.queued_prompt(record)
        if not prompt.strip():
            self.report.ignored["attachment record"] += 1
            return []
        message = {"role": "user", "content": prompt}
        return self._message({**record, "type": "user", "message": message}, where)

    def _message(self, record: dict[str, Any], where: str) -> list[EventDraft]:
        message = record.get("message")
        blocks = _blocks(message)
        if blocks is None:
            self.report.skip(where, "a message record without text or content blocks")
            return []
        if record.get("isMeta") or message.get("model") == "<synthetic>":
            self.report.ignored["meta or synthetic message"] += 1
            return []
        self.session = text_of(record.get("sessionId")) or self.session
        texts: list[str] = []
        tools: list[EventDraft] = []
        for block in blocks:
            self._block(block, record, where, texts, tools)
        text = self._text(record, "\n\n".join(t for t in texts if t.strip()))
        draft = self._text_draft(record, message, text, where) if text else None
        return [draft, *tools] if draft else tools

    def _block(
        self,
        block: object,
        record: dict[str, Any],
        where: str,
        texts: list[str],
        out: list[EventDraft],
    ) -> None:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(text_of(block.get("text")))
        elif kind in ("image", "document"):
            texts.append(f"[{kind}]")
        elif kind == "tool_use":
            out.extend(self._call(block, record, where))
        elif kind == "tool_result":
            out.extend(d for d in [self._result(block, record, where)] if d)
        elif kind in ("thinking", "redacted_thinking"):
            self.report.ignored["thinking"] += 1
        else:
            self.report.skip(where, f"unknown content block {kind!r}; that block was left out")

    def _text(self, record: dict[str, Any], text: str) -> str:
        """Slash commands read as typed; command output and interrupt notices are noise."""
        if record.get("type") != "user":
            return text
        self._offer_title(*titles.prompt_title(record, self.path, text))
        command = titles.command_text(text)
        if command is not None:
            return command[0]
        if text.lstrip().startswith(titles.NOISE_PREFIXES):
            self.report.ignored["command output or interrupt notice"] += 1
            return ""
        return text

    def _text_draft(
        self, record: dict[str, Any], message: dict[str, Any], text: str, where: str
    ) -> EventDraft | None:
        uuid = text_of(record.get("uuid")) or "h-" + short_hash(record.get("timestamp"), text)
        return self.draft(
            uuid,
            text,
            where,
            author=self._author(record, message, text),
            timestamp=to_utc(record.get("timestamp")),
            meta=_meta(record, message),
        )

    def _author(self, record: dict[str, Any], message: dict[str, Any], text: str) -> str:
        if record.get("isCompactSummary"):
            return "summary"
        role = text_of(message.get("role")) or text_of(record.get("type"))
        if role == "user":
            return titles.agent_author(record, self.path, text) or role
        return role

    # --- tool calls ---
    def _call(self, block: dict[str, Any], record: dict[str, Any], where: str) -> list[EventDraft]:
        call_id = text_of(block.get("id"))
        if not call_id:
            self.report.skip(where, "a tool_use block without an id; that call was left out")
            return []
        name = text_of(block.get("name")) or "tool"
        call = ToolCall.make(
            call_id, name, block.get("input"), record.get("timestamp"), text_of(record.get("uuid"))
        )
        evicted = self.pending.add(call)
        return [d for d in [self._unpaired(evicted)] if d] if evicted else []

    def _result(
        self, block: dict[str, Any], record: dict[str, Any], where: str
    ) -> EventDraft | None:
        call_id = text_of(block.get("tool_use_id"))
        output = render_output(block.get("content"))
        is_error = block.get("is_error") is True
        call = self.pending.take(call_id)
        if call is None:
            return self.orphan(call_id, output, is_error, to_utc(record.get("timestamp")), where)
        text, meta = call_text(call, output, is_error)
        meta["result_record"] = text_of(record.get("uuid"))
        return self.tool_draft(call_id, text, where, call.when, meta)

    def _unpaired(self, call: ToolCall) -> EventDraft | None:
        text, meta = call_text(call, None)
        return self.tool_draft(call.id, text, f"{self.path}: tool call {call.id}", call.when, meta)


def _blocks(message: object) -> list[object] | None:
    if not isinstance(message, dict):
        return None
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return content if isinstance(content, list) else None


def _meta(record: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    fields = {"model": message.get("model"), "cwd": record.get("cwd")}
    fields["git_branch"] = record.get("gitBranch")
    meta: dict[str, Any] = {k: v for k, v in fields.items() if isinstance(v, str) and v}
    if record.get("isSidechain") is True:
        meta["sidechain"] = True
    return meta


class ClaudeCodeImporter(LineFileImporter):
    name = "claude-code"
    description = "Claude Code session transcripts (~/.claude/projects/**/*.jsonl)"
    parser = ClaudeCodeParser

    def detect(self, path: Path) -> bool:
        head = jsonl_head(path)
        return (
            any(sniff_jsonl(head, marker) for marker in _MARKERS) and b'"payload"' not in head[:200]
        )

"""Prompt histories of the coding agents: every prompt the user typed, one JSON per line.

* Claude Code, ``~/.claude/history.jsonl``: ``{"display", "pastedContents", "timestamp"
  (epoch ms), "project" (the folder), "sessionId" (newer versions)}``. A pasted text shows
  as ``[Pasted text #1 +20 lines]`` in ``display`` and is put back from ``pastedContents``
  when the history holds it.
* Codex, ``~/.codex/history.jsonl``: ``{"session_id" (``conversation_id`` in newer
  versions), "ts" (epoch seconds), "text"}``.

A prompt becomes an event of its session (the session id is its conversation), with an id
made of its time and a hash of its text, so importing the history again adds nothing. The
same prompt is also in its session's transcript while the agent keeps it (Claude Code
deletes transcripts after a month): a prompt whose session transcript still lies beside the
history is left out and counted, since importing the transcript stores it with its answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    ReadReport,
    Thread,
    first_line,
    make_draft,
    short_hash,
    text_of,
    to_utc,
)
from amber.plugins.importers.lines import LineFileImporter, json_line, sniff_jsonl
from amber.plugins.importers.transcripts import agent_dir, jsonl_head
from amber.pluginspec import EventDraft

_PASTED = re.compile(r"\[Pasted text #(\d+)[^\]]*\]")
_ROLLOUT_ID = re.compile(r"rollout-[0-9T:\-]+-([0-9a-fA-F\-]{36})\.jsonl$")
IN_TRANSCRIPT = "prompt also in its session transcript (stored from there)"


def claude_history_file() -> Path:
    return agent_dir("CLAUDE_CONFIG_DIR", ".claude", "history.jsonl")


def codex_history_file() -> Path:
    return agent_dir("CODEX_HOME", ".codex", "history.jsonl")


class _PromptParser:
    """One prompt per line; see the module docstring. Subclasses read their fields."""

    source = ""
    label = ""  # the title of prompts that belong to no session

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        self.path = path
        self.report = report
        self.uri = str(path.resolve())
        self._kept: set[str] | None = None  # session ids with a transcript beside the history

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        where = f"{self.path}: line {lineno}"
        record = json_line(line, where, self.report)
        if record is None:
            return []
        session, when, text, meta = self.fields(record)
        if not text.strip():
            self.report.skip(where, "a history line without the prompt's text; it was left out")
            return []
        if session and session in self.transcripts():
            self.report.ignored[IN_TRANSCRIPT] += 1
            return []
        title = first_line(text) if session else self.label
        thread = Thread(self.source, self.uri, session or "prompt-history", title)
        message_id = f"prompt-{when}-{short_hash(text)}"
        draft = make_draft(
            thread,
            message_id,
            text,
            self.report,
            where,
            author="user",
            timestamp=to_utc(when),
            meta={"prompt_history": True} | meta,
        )
        return [draft] if draft else []

    def finish(self) -> list[EventDraft]:
        return []

    def state(self) -> dict[str, Any]:
        return {}

    def transcripts(self) -> set[str]:
        if self._kept is None:
            self._kept = self.find_transcripts()
        return self._kept

    def fields(self, record: dict[str, Any]) -> tuple[str, object, str, dict[str, Any]]:
        """(session id, time, prompt text, meta) of one line."""
        raise NotImplementedError

    def find_transcripts(self) -> set[str]:
        raise NotImplementedError


class ClaudeHistoryParser(_PromptParser):
    source = "claude-code"
    label = "Claude Code prompts"

    def fields(self, record: dict[str, Any]) -> tuple[str, object, str, dict[str, Any]]:
        text = _unpaste(text_of(record.get("display")), record.get("pastedContents"))
        project = text_of(record.get("project"))
        meta = {"cwd": project} if project else {}
        return text_of(record.get("sessionId")), record.get("timestamp"), text, meta

    def find_transcripts(self) -> set[str]:
        projects = self.path.parent / "projects"
        return {p.stem for p in projects.glob("*/*.jsonl")} if projects.is_dir() else set()


def _unpaste(display: str, pasted: object) -> str:
    """``display`` with each ``[Pasted text #N ...]`` replaced by the text pasted, when the
    history holds it (long pastes are kept in a cache instead, and stay a placeholder)."""
    if not isinstance(pasted, dict) or "[Pasted text #" not in display:
        return display

    def content(match: re.Match[str]) -> str:
        item = pasted.get(match.group(1))
        held = text_of(item.get("content")) if isinstance(item, dict) else ""
        return held or match.group(0)

    return _PASTED.sub(content, display)


class CodexHistoryParser(_PromptParser):
    source = "codex"
    label = "Codex prompts"

    def fields(self, record: dict[str, Any]) -> tuple[str, object, str, dict[str, Any]]:
        session = text_of(record.get("session_id")) or text_of(record.get("conversation_id"))
        return session, record.get("ts"), text_of(record.get("text")), {}

    def find_transcripts(self) -> set[str]:
        found: set[str] = set()
        for folder in ("sessions", "archived_sessions"):
            root = self.path.parent / folder
            if root.is_dir():
                found |= {m.group(1) for p in root.rglob("rollout-*.jsonl") if (m := _match(p))}
        return found


def _match(path: Path) -> re.Match[str] | None:
    return _ROLLOUT_ID.search(path.name)


class ClaudeHistoryImporter(LineFileImporter):
    name = "claude-code-history"
    description = "Claude Code prompt history (~/.claude/history.jsonl)"
    parser = ClaudeHistoryParser

    def detect(self, path: Path) -> bool:
        head = jsonl_head(path)
        return sniff_jsonl(head, b'"display"') and (
            sniff_jsonl(head, b'"pastedContents"') or sniff_jsonl(head, b'"project"')
        )


class CodexHistoryImporter(LineFileImporter):
    name = "codex-history"
    description = "Codex CLI prompt history (~/.codex/history.jsonl)"
    parser = CodexHistoryParser

    def detect(self, path: Path) -> bool:
        head = jsonl_head(path)
        has_session = sniff_jsonl(head, b'"session_id"') or sniff_jsonl(head, b'"conversation_id"')
        return has_session and sniff_jsonl(head, b'"ts"', b'"text"')

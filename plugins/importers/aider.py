"""Aider's histories, kept in the folder of each repository it worked in.

* ``.aider.chat.history.md``: markdown that Aider appends to (``aider/io.py``). Each run
  opens with ``# aider chat started at <local time>``; what the user typed is on lines
  starting ``#### `` (a hard break, two spaces, ends each); Aider's own notices and command
  output are quoted (``> ``); everything else is the model's answer. A run is a conversation
  (``aider-<start>``); each message an event at the run's start time (the file holds no
  other times). The notices before the first prompt (version, model, repository) are only
  counted; the model's name among them is kept with its answers.
* ``.aider.input.history``: every prompt typed, in prompt_toolkit's history format
  (``# <local time>``, then the prompt's lines each after a ``+``). A prompt also found in
  the chat history beside it is left out and counted: it is stored from there.

Times in both files are the local time of the machine that wrote them, read in the local
time zone of the machine that imports them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    ReadReport,
    Thread,
    first_line,
    make_draft,
    read_head,
    short_hash,
)
from amber.plugins.importers.lines import LineFileImporter
from amber.pluginspec import EventDraft

SOURCE = "aider"
CHAT_FILE = ".aider.chat.history.md"
INPUT_FILE = ".aider.input.history"
_STARTED = re.compile(r"# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$")
_INPUT_TIME = re.compile(r"# (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\s*$")
_MODEL = re.compile(r"(?:Main )?[Mm]odel: (\S+)")
IN_CHAT = "prompt also in the chat history (stored from there)"


def local_time(text: str) -> datetime | None:
    """A naive local time as Aider writes it, as an aware time (this machine's zone)."""
    try:
        return datetime.fromisoformat(text).astimezone().astimezone(UTC)
    except ValueError:
        return None


class AiderChatParser:
    """Lines of ``.aider.chat.history.md`` into messages; a message is complete once a
    line of another kind starts (or the input ends)."""

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        saved = state or {}
        self.path = path
        self.report = report
        self.uri = str(path.resolve())
        self.started = str(saved.get("started") or "")
        self.count = int(saved.get("count") or 0)
        self.title = str(saved.get("title") or "")
        self.model = str(saved.get("model") or "")
        self.kind = str(saved.get("kind") or "")
        self.lines: list[str] = list(saved.get("lines") or [])
        self.line = int(saved.get("line") or 0)
        self.fence = saved.get("fence") is True  # inside a code block of an answer

    def state(self) -> dict[str, Any]:
        names = ("started", "count", "title", "model", "kind", "lines", "line", "fence")
        return {name: getattr(self, name) for name in names}

    def feed(self, raw: bytes, lineno: int) -> list[EventDraft]:
        line = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
        started = _STARTED.match(line)
        if started:
            done = self._flush()
            self.started, self.count, self.title, self.model = started.group(1), 0, "", ""
            return done
        kind, text = _kind(line)
        if self.kind == "assistant" and (self.fence or line.startswith("```")):
            kind, text = "assistant", line  # inside a code block everything is the answer
            self.fence = self.fence != line.startswith("```")
        if kind == "":  # a blank line is part of an answer, and ends a prompt or notices
            if self.kind == "assistant":
                self.lines.append("")
                return []
            return self._flush()
        done = self._flush() if kind != self.kind else []
        if not self.lines:
            self.kind, self.line = kind, lineno
        self.lines.append(text)
        return done

    def finish(self) -> list[EventDraft]:
        return self._flush()

    def _flush(self) -> list[EventDraft]:
        kind, lines = self.kind, self.lines
        self.kind, self.lines, self.fence = "", [], False
        text = "\n".join(line.rstrip() for line in lines).strip()
        if not kind or not text or text == "<blank>":
            return []
        if kind == "tool" and not self.count:
            found = (m.group(1) for ln in lines if (m := _MODEL.search(ln)))
            self.model = next(found, self.model)
            self.report.ignored["start-up notices"] += 1
            return []
        if kind == "user" and not self.title and not text.startswith("/"):
            self.title = first_line(text)
        self.count += 1
        return self._draft(kind, text)

    def _draft(self, kind: str, text: str) -> list[EventDraft]:
        session = f"aider-{self.started.replace(' ', 'T')}" if self.started else "aider"
        thread = Thread(SOURCE, self.uri, session, self.title)
        meta: dict[str, Any] = {"cwd": str(self.path.parent.resolve())}
        if kind == "assistant" and self.model:
            meta["model"] = self.model
        draft = make_draft(
            thread,
            f"{self.count}-{short_hash(text, size=8)}",
            text,
            self.report,
            f"{self.path}: line {self.line}",
            author=kind,
            timestamp=local_time(self.started) if self.started else None,
            trust="untrusted" if kind == "tool" else "trusted",
            meta=meta,
        )
        return [draft] if draft else []


def _kind(line: str) -> tuple[str, str]:
    """(user | tool | assistant | "" for a blank line, the line's own text)."""
    if line.startswith("#### ") or line.rstrip() == "####":
        return "user", line[5:].rstrip()
    if line.startswith("> ") or line.rstrip() == ">":
        return "tool", line[2:].rstrip()
    return ("", "") if not line.strip() else ("assistant", line)


class AiderInputParser:
    """Entries of ``.aider.input.history`` (prompt_toolkit ``FileHistory``)."""

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        saved = state or {}
        self.path = path
        self.report = report
        self.thread = Thread(SOURCE, str(path.resolve()), "aider-input-history", "Aider prompts")
        self.when = str(saved.get("when") or "")
        self.lines: list[str] = list(saved.get("lines") or [])
        self.line = int(saved.get("line") or 0)
        self._chat: set[str] | None = None

    def state(self) -> dict[str, Any]:
        return {"when": self.when, "lines": self.lines, "line": self.line}

    def feed(self, raw: bytes, lineno: int) -> list[EventDraft]:
        line = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
        stamp = _INPUT_TIME.match(line)
        if stamp:
            done = self._flush()
            self.when, self.line = stamp.group(1), lineno
            return done
        if line.startswith("+"):
            self.lines.append(line[1:])
        elif line.strip():
            self.report.skip(f"{self.path}: line {lineno}", "not a history line; left out")
        return []

    def finish(self) -> list[EventDraft]:
        return self._flush()

    def _flush(self) -> list[EventDraft]:
        text = "\n".join(self.lines).strip()
        self.lines = []
        if not text:
            return []
        if text in self.chat_prompts():
            self.report.ignored[IN_CHAT] += 1
            return []
        draft = make_draft(
            self.thread,
            f"{self.when}-{short_hash(text, size=8)}",
            text,
            self.report,
            f"{self.path}: line {self.line}",
            author="user",
            timestamp=local_time(self.when) if self.when else None,
            meta={"cwd": str(self.path.parent.resolve()), "prompt_history": True},
        )
        return [draft] if draft else []

    def chat_prompts(self) -> set[str]:
        """What the user typed, as the chat history beside this file holds it."""
        if self._chat is None:
            self._chat = _chat_prompts(self.path.parent / CHAT_FILE)
        return self._chat


def _chat_prompts(path: Path) -> set[str]:
    prompts: set[str] = set()
    current: list[str] = []
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("####"):
                    current.append(line[5:].rstrip())
                elif current:
                    prompts.add("\n".join(current).strip())
                    current = []
    except OSError:
        return prompts
    if current:
        prompts.add("\n".join(current).strip())
    return prompts


class AiderChatImporter(LineFileImporter):
    name = "aider"
    description = "Aider chat history (.aider.chat.history.md in each repository)"
    parser = AiderChatParser

    def detect(self, path: Path) -> bool:
        if path.name == CHAT_FILE:
            return True
        head = read_head(path, 4096).decode("utf-8", "replace")
        return any(_STARTED.match(line) for line in head.splitlines()[:20])


class AiderInputImporter(LineFileImporter):
    name = "aider-input"
    description = "Aider prompt history (.aider.input.history in each repository)"
    parser = AiderInputParser

    def detect(self, path: Path) -> bool:
        if path.name == INPUT_FILE:
            return True
        lines = read_head(path, 4096).decode("utf-8", "replace").splitlines()
        return len(lines) > 1 and bool(_INPUT_TIME.match(lines[0])) and lines[1].startswith("+")

"""Tailing transcripts and histories that are still being written, with checkpoints.

Claude Code deletes old transcripts, so they must be read while they exist, a little at a
time, and never twice. ``Tailer.poll(state)`` reads what was appended since ``state`` and
returns ``(drafts, new_state)``; ``state`` is plain JSON (keep it in a file, pass it back
next time; ``None`` starts from scratch). The caller stores the drafts, then saves the new
state: if it dies in between, the next poll hands the same drafts again and the event
store's dedup keys make that harmless.

Per file the state holds the device and inode, the byte offset after the last complete
line, the line number, a hash of the file's first bytes and the parser's own checkpoint
(calls waiting for a result, the session title). From that:

* a half-written last line is left for the next poll; once the file has been quiet for
  ``settle_s`` seconds the line is read as it is and held calls are given up as unpaired;
* a file replaced (another inode), truncated (shorter than the offset) or rewritten (its
  first bytes changed) is read again from the start;
* a file that disappeared hands over what its parser still held, then leaves the state.

Drafts come back as read: the caller stores them through Amber's ingest path (the
daemon's capture sink), which redacts secrets and flags untrusted instruction-like text.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import ReadReport
from amber.plugins.importers.lines import ParserFactory, feed_line
from amber.pluginspec import EventDraft

STATE_VERSION = 1
HEAD_CHECK = 4096  # bytes hashed to notice a file rewritten in place
MAX_BYTES_PER_POLL = 8 * 1024 * 1024  # the rest waits for the next poll


@dataclass
class _Cursor:
    dev: int
    inode: int
    offset: int = 0
    lineno: int = 0
    head: str = ""  # sha256 of the first min(offset, HEAD_CHECK) bytes
    size: int = -1
    mtime_ns: int = -1
    quiet_since: float = 0.0  # when size and mtime were last seen to change
    settled: bool = True  # True once held items were released after a quiet period
    parser: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, saved: object) -> _Cursor | None:
        try:
            return cls(**saved) if isinstance(saved, dict) else None
        except TypeError:
            return None  # a checkpoint from another version: read that file again


def glob_files(root: Path, pattern: str) -> Callable[[], list[Path]]:
    """A file finder for ``Tailer``: every file under ``root`` matching ``pattern``."""

    def find() -> list[Path]:
        return sorted(p for p in root.glob(pattern) if p.is_file()) if root.is_dir() else []

    return find


def listed_files(paths: Iterable[Path]) -> Callable[[], list[Path]]:
    """A file finder for ``Tailer``: the given files that exist (e.g. shell histories)."""
    wanted = list(paths)
    return lambda: [p for p in wanted if p.is_file()]


class Tailer:
    """Incremental reader over a set of line-oriented files; see the module docstring."""

    def __init__(
        self,
        name: str,
        find: Callable[[], list[Path]],
        parser: ParserFactory,
        *,
        settle_s: float = 600.0,
        max_bytes: int = MAX_BYTES_PER_POLL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.find = find
        self.parser = parser
        self.settle_s = settle_s
        self.max_bytes = max_bytes
        self.clock = clock
        self.skipped: list[tuple[str, str]] = []  # problems found by the last poll

    def poll(
        self, state: Mapping[str, Any] | None = None
    ) -> tuple[list[EventDraft], dict[str, Any]]:
        self.skipped = []
        old = _files(state)
        drafts: list[EventDraft] = []
        files: dict[str, Any] = {}
        budget = [self.max_bytes]
        for path in self.find():
            key = str(path)
            cursor = self._read(path, _Cursor.load(old.pop(key, None)), drafts, budget)
            if cursor is not None:
                files[key] = cursor.__dict__
        for key, saved in old.items():  # gone: hand over what was held
            cursor = _Cursor.load(saved)
            if cursor is not None:
                drafts += self._finish(Path(key), cursor)
        return drafts, {"version": STATE_VERSION, "files": files}

    def _read(
        self, path: Path, cursor: _Cursor | None, out: list[EventDraft], budget: list[int]
    ) -> _Cursor | None:
        try:
            stat = path.stat()
            if cursor is not None and cursor.settled and _unchanged(cursor, stat):
                return cursor  # nothing new and nothing held: not even opened (idle CPU)
            with path.open("rb") as handle:
                cursor = self._check(path, cursor, stat, handle, out)
                self._lines(path, cursor, handle, out, budget)
        except OSError as err:
            self.skipped.append(
                (str(path), f"cannot read it ({err.strerror}); tried again next poll")
            )
            return cursor
        return cursor

    def _check(
        self, path: Path, cursor: _Cursor | None, stat: Any, handle: Any, out: list[EventDraft]
    ) -> _Cursor:
        """The cursor to read on from; a new one if the file is new, replaced or rewritten."""
        now = self.clock()
        fresh = _Cursor(stat.st_dev, stat.st_ino, quiet_since=now, settled=False)
        if cursor is None:
            return fresh
        if _unchanged(cursor, stat):
            return cursor
        same = (cursor.dev, cursor.inode) == (stat.st_dev, stat.st_ino)
        if not same or stat.st_size < cursor.offset or _head(handle, cursor.offset) != cursor.head:
            out += self._finish(path, cursor)
            return fresh
        return replace(cursor, quiet_since=now, settled=False)

    def _lines(
        self, path: Path, cursor: _Cursor, handle: Any, out: list[EventDraft], budget: list[int]
    ) -> None:
        report = ReadReport(path=path, format=self.name)
        parser = self.parser(path, report, cursor.parser)
        handle.seek(cursor.offset)
        start = cursor.offset
        partial = b""
        at_end = False
        while budget[0] > 0:
            line = handle.readline()
            if not line.endswith(b"\n"):  # the end, or a line still being written
                partial = line
                at_end = True
                break
            cursor.lineno += 1
            out += feed_line(parser, line, cursor.lineno, report)
            cursor.offset += len(line)
            budget[0] -= len(line)
        stat = path.stat()
        unchanged = (stat.st_size, stat.st_mtime_ns) == (cursor.size, cursor.mtime_ns)
        if at_end and unchanged and cursor.offset == start and self._quiet(cursor):
            out += self._settle(parser, cursor, partial, report)
        cursor.size = stat.st_size
        cursor.mtime_ns = stat.st_mtime_ns
        if cursor.offset != start:
            cursor.head = _head(handle, cursor.offset)
        cursor.parser = parser.state()
        self.skipped += report.skipped

    def _quiet(self, cursor: _Cursor) -> bool:
        return not cursor.settled and self.clock() - cursor.quiet_since >= self.settle_s

    def _settle(
        self, parser: Any, cursor: _Cursor, partial: bytes, report: ReadReport
    ) -> list[EventDraft]:
        """Quiet for long enough: a last line without newline is read as it is, and what the
        parser holds (a call that never got its result, the last command) is released."""
        drafts: list[EventDraft] = []
        if partial:
            cursor.lineno += 1
            drafts += feed_line(parser, partial, cursor.lineno, report)
            cursor.offset += len(partial)
        cursor.settled = True
        return drafts + parser.finish()

    def _finish(self, path: Path, cursor: _Cursor) -> list[EventDraft]:
        report = ReadReport(path=path, format=self.name)
        drafts = self.parser(path, report, cursor.parser).finish()
        self.skipped += report.skipped
        return drafts


def _unchanged(cursor: _Cursor, stat: Any) -> bool:
    seen = (cursor.dev, cursor.inode, cursor.size, cursor.mtime_ns)
    return seen == (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _files(state: Mapping[str, Any] | None) -> dict[str, Any]:
    if (
        not state
        or state.get("version") != STATE_VERSION
        or not isinstance(state.get("files"), dict)
    ):
        return {}
    return dict(state["files"])


def _head(handle: Any, offset: int) -> str:
    handle.seek(0)
    data = handle.read(min(offset, HEAD_CHECK))
    return hashlib.sha256(data).hexdigest() if data else ""


def claude_code_tailer(root: Path | None = None, **options: Any) -> Tailer:
    """Every transcript under ``~/.claude/projects`` (or ``root``), sub-agents included."""
    from amber.plugins.importers import claude_code

    find = glob_files(root or claude_code.default_dir(), "**/*.jsonl")
    return Tailer("claude-code", find, claude_code.ClaudeCodeParser, **options)


def codex_tailer(root: Path | None = None, **options: Any) -> Tailer:
    """Every session log under ``~/.codex/sessions`` (or ``root``)."""
    from amber.plugins.importers import codex

    return Tailer(
        "codex", glob_files(root or codex.default_dir(), "**/*.jsonl"), codex.CodexParser, **options
    )


def codex_archive_tailer(root: Path | None = None, **options: Any) -> Tailer:
    """Every log under ``~/.codex/archived_sessions`` (or ``root``). Codex moves a session
    there when its thread is archived: the moved file is read again, and its events, known
    by their ids, add nothing; a session archived before it was read is read there."""
    from amber.plugins.importers import codex

    find = glob_files(root or codex.archived_dir(), "**/*.jsonl")
    return Tailer("codex-archived", find, codex.CodexParser, **options)


def shell_tailer(shell: str, path: Path | None = None, **options: Any) -> Tailer:
    """One shell's history file (opt-in). A command is taken once the next one starts, or
    after the file has been quiet for ``settle_s`` (default here: one minute)."""
    from amber.plugins.importers import shell as histories

    parsers = {
        "bash": histories.BashParser,
        "zsh": histories.ZshParser,
        "fish": histories.FishParser,
    }
    if shell not in parsers:
        raise ValueError(f"unknown shell {shell!r}; one of {', '.join(parsers)}")
    target = path or histories.default_files()[shell]
    options.setdefault("settle_s", 60.0)
    return Tailer(f"shell-{shell}", listed_files([target]), parsers[shell], **options)

"""Following session files that are rewritten, not only appended to (Gemini CLI's sessions:
a message is written again when its tool calls finish, a rewind drops messages).

``WholeFileTailer.poll(state)`` has the interface of ``tail.Tailer``: it reads again every
file whose size or modification time changed since ``state`` and hands over the events not
handed over before (their ids, hashed to 8 bytes, are kept per file in the state), so a
long session is not sent to the store again on every change. A tool call still running is
not handed over until its result is written. A file that cannot be read is listed in
``skipped`` and tried again at the next poll.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import UNEXPECTED, ReadReport, unexpected
from amber.plugins.importers.gemini import SessionEvents, read_session
from amber.plugins.importers.lines import CUT_LINE
from amber.pluginspec import EventDraft, ImportFormatError

STATE_VERSION = 1


def _key(draft: EventDraft) -> str:
    return hashlib.blake2b(draft.dedup_key.encode(), digest_size=8).hexdigest()


class WholeFileTailer:
    """Gemini CLI session files under a folder; see the module docstring."""

    def __init__(self, name: str, find: Callable[[], list[Path]]) -> None:
        self.name = name
        self.find = find
        self.skipped: list[tuple[str, str]] = []

    def poll(
        self, state: Mapping[str, Any] | None = None
    ) -> tuple[list[EventDraft], dict[str, Any]]:
        self.skipped = []
        old = (
            dict(state.get("files", {})) if state and state.get("version") == STATE_VERSION else {}
        )
        files: dict[str, Any] = {}
        drafts: list[EventDraft] = []
        for path in self.find():
            files[str(path)] = self._read(path, old.get(str(path)), drafts)
        return drafts, {"version": STATE_VERSION, "files": files}

    def _read(self, path: Path, saved: object, out: list[EventDraft]) -> dict[str, Any]:
        seen = saved if isinstance(saved, dict) else {}
        try:
            stat = path.stat()
            mark = [stat.st_mtime_ns, stat.st_size]
            if seen.get("mark") == mark:
                return seen
            report = ReadReport(path=path, format=self.name)
            drafts = list(
                SessionEvents(path, report, final=False).drafts(read_session(path, report))
            )
        except (OSError, ImportFormatError, *UNEXPECTED) as exc:
            why = exc.strerror if isinstance(exc, OSError) else unexpected(exc)
            self.skipped.append((str(path), f"cannot read it ({why}); tried again next poll"))
            return seen
        self.skipped += [s for s in report.skipped if s[1] != CUT_LINE]  # read when complete
        known = set(seen.get("sent", []))
        new = [d for d in drafts if _key(d) not in known]
        out += new
        return {"mark": mark, "sent": sorted(known | {_key(d) for d in new})}


def gemini_tailer(root: Path | None = None) -> WholeFileTailer:
    """Every Gemini CLI session under ``~/.gemini/tmp/<project>/chats`` (or ``root``),
    subagents' sessions (one folder deeper) included."""
    from amber.plugins.importers import gemini

    base = root or gemini.default_dir()

    def find() -> list[Path]:
        if not base.is_dir():
            return []
        found = [*base.glob("*/chats/*.json"), *base.glob("*/chats/**/*.jsonl")]
        return sorted(p for p in found if p.is_file())

    return WholeFileTailer("gemini-cli", find)

"""The context a running source gets: its settings, emit, an interruptible wait, counters,
the folders it must leave alone, a folder of its own, and its progress rows. One context
per run of a source; pausing ends the run by setting `stop`.

This is the daemon's side of `amber.pluginspec.CaptureContext`: sources see only that
protocol, so the SQL (`amber.store.capture`) and the home's layout (`DaemonPaths`) stay
here, behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amber.daemon.errors import DaemonError
from amber.daemon.paths import DaemonPaths
from amber.daemon.sink import Capture, CaptureSink
from amber.daemon.stats import SourceStats
from amber.events import EventDraft
from amber.pluginspec import ProgressWrite
from amber.store import capture as rows
from amber.store.db import Database


def private_folder(paths: DaemonPaths, source: str) -> Path:
    """Where a source keeps files of its own. The screen source's folder predates the
    plugin API and is where `amber sources screenshot` reads, so it keeps its place."""
    if source == "screen":
        return paths.screens
    return paths.home / "sources" / source


class IndexProgress:
    """`SourceProgress` on the index: reads go to the database now, writes come back as
    callables that the writer runs inside the transaction of the events they go with."""

    def __init__(self, db: Database, source: str) -> None:
        self._db = db
        self._source = source

    def file_marks(self) -> dict[str, tuple[int, int]]:
        return rows.file_marks(self._db, self._source)

    def file_chunks(self, path: str) -> frozenset[str]:
        return rows.file_chunks(self._db, self._source, path)

    def save_file(
        self, path: str, mtime_ns: int, size: int, chunks: frozenset[str]
    ) -> ProgressWrite:
        progress = rows.FileProgress(path, mtime_ns, size, frozenset(chunks))
        return lambda conn: rows.save_file_progress(conn, self._source, progress)

    def forget_file(self, path: str) -> ProgressWrite:
        return lambda conn: rows.forget_file_progress(conn, self._source, path)

    def checkpoint(self) -> dict[str, Any]:
        return rows.source_checkpoint(self._db, self._source)

    def save_checkpoint(self, state: dict[str, Any]) -> ProgressWrite:
        return lambda conn: rows.save_source_checkpoint(conn, self._source, state)


class SourceContext:
    def __init__(
        self,
        name: str,
        settings: dict[str, Any],
        home: Path,
        sink: CaptureSink,
        stats: SourceStats,
        db: Database,
        derive: Callable[[str], bytes] | None = None,
        *,
        never_capture: tuple[Path, ...],
        private_dir: Path,
    ) -> None:
        self.name = name
        self.settings = settings
        self.home = home
        self.never_capture = never_capture
        self.private_dir = private_dir
        self.progress = IndexProgress(db, name)
        self.stop = threading.Event()
        self._sink = sink
        self._stats = stats
        self._derive = derive

    def emit(
        self,
        drafts: list[EventDraft],
        *,
        checkpoint: ProgressWrite | None = None,
        ack: Callable[[], None] | None = None,
        wait: bool = False,
    ) -> bool:
        """Queue drafts for the writer. `wait`: when the queue is full, wait for room (until
        this source is stopped) instead of dropping them; for sources that would otherwise
        see the same input again only much later."""
        capture = Capture(self.name, list(drafts), checkpoint, ack)
        return self._sink.offer(capture, self.stop if wait else None)

    def wait(self, seconds: float) -> bool:
        return self.stop.wait(max(0.0, seconds))

    @property
    def stopping(self) -> bool:
        return self.stop.is_set()

    def set_state(self, state: str, detail: str = "") -> None:
        self._stats.set_state(state, detail)

    def skipped(self, count: int = 1) -> None:
        self._stats.add(skipped=count)

    def dropped(self, count: int = 1) -> None:
        self._stats.add(dropped=count)

    def error(self, message: str) -> None:
        self._stats.error(message)

    def derive_key(self, purpose: str) -> bytes:
        if self._derive is None:
            raise DaemonError("no index key in this process; run the source inside the daemon")
        return self._derive(f"{self.name}:{purpose}")

    @property
    def stats(self) -> SourceStats:
        return self._stats

"""The context a running source gets: its settings, emit, an interruptible wait, and
counters. One context per run of a source; pausing ends the run by setting `stop`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amber.daemon.errors import DaemonError
from amber.daemon.sink import Capture, CaptureSink
from amber.daemon.stats import SourceStats
from amber.events import EventDraft
from amber.store.db import Database


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
    ) -> None:
        self.name = name
        self.settings = settings
        self.home = home
        self.db = db  # for a source's own reads (its progress rows); writes go through emit
        self.stop = threading.Event()
        self._sink = sink
        self._stats = stats
        self._derive = derive

    def emit(
        self,
        drafts: list[EventDraft],
        *,
        checkpoint: Callable[[Any], None] | None = None,
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

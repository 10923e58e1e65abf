"""Per-source numbers for `amber daemon status`: honest about drops and errors."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields

from amber.clock import now_iso
from amber.pluginspec import STARTING  # the state names are part of the plugin API


@dataclass
class SourceStats:
    name: str
    state: str = STARTING
    detail: str = ""
    last_capture: str | None = None
    captured: int = 0  # new events committed
    skipped: int = 0  # seen but not captured: unchanged, duplicate, excluded
    dropped: int = 0  # lost because the queue was full
    errors: int = 0
    last_error: str = ""
    last_error_at: str | None = None
    queued: int = 0  # items waiting in the queue
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def set_state(self, state: str, detail: str = "") -> None:
        with self._lock:
            self.state = state
            self.detail = detail

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def committed(self, added: int, duplicates: int) -> None:
        with self._lock:
            self.captured += added
            self.skipped += duplicates
            self.queued -= 1
            self.last_capture = now_iso()

    def error(self, message: str) -> None:
        with self._lock:
            self.errors += 1
            self.last_error = message.splitlines()[0][:300] if message else "error"
            self.last_error_at = now_iso()

    def to_json(self) -> dict[str, object]:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in fields(self) if f.name[0] != "_"}

"""Debouncing file events: a path is ready once quiet for `quiet_s`, or after `cap_s` of
continuous changes (an editor saving every second still gets captured)."""

from __future__ import annotations

import threading
import time


class Debouncer:
    def __init__(self, quiet_s: float, cap_s: float, limit: int = 10_000) -> None:
        self.quiet_s = quiet_s
        self.cap_s = cap_s
        self.limit = limit  # beyond this many pending paths, ask for a rescan instead
        self._first: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.overflowed = False

    def add(self, path: str) -> None:
        now = time.monotonic()
        with self._lock:
            if path not in self._first and len(self._first) >= self.limit:
                self.overflowed = True  # a rescan will find it; memory stays bounded
                return
            self._first.setdefault(path, now)
            self._last[path] = now

    def ready(self) -> list[str]:
        now = time.monotonic()
        with self._lock:
            due = [
                p
                for p, first in self._first.items()
                if now - self._last[p] >= self.quiet_s or now - first >= self.cap_s
            ]
            for path in due:
                del self._first[path], self._last[path]
            return due

    def take_overflow(self) -> bool:
        with self._lock:
            overflowed = self.overflowed
            self.overflowed = False
            return overflowed

    def __len__(self) -> int:
        return len(self._first)

"""Noticing changes made outside the TUI: another editor, the daemon, `git pull`, the CLI.

Two cheap parts. A TreeWatcher reindexes edited files, unless another process (the daemon,
`amber watch`) already watches the tree. And every write to memory, by any process, adds
an audit row or an event, so polling the newest of each (two indexed lookups) tells when
to refresh, whoever wrote.
"""

from __future__ import annotations

import threading

from amber.freshness import someone_watches
from amber.service import MemoryService
from amber.watcher import TreeWatcher


class ChangeFeed:
    def __init__(self, service: MemoryService) -> None:
        self.service = service
        self.watcher: TreeWatcher | None = None
        self._version: tuple[int, int] | None = None
        self._lock = threading.Lock()  # a quit while the watcher starts waits for it
        self._stopped = False

    def start_watching(self) -> bool:
        """Watch the tree unless someone else does (blocking: it reconciles first)."""
        with self._lock:
            if self._stopped or someone_watches(self.service.config):
                return False
            watcher = TreeWatcher(self.service)
            watcher.start()
            self.watcher = watcher
            return True

    def changed(self) -> bool:
        """True when memory changed since the last call (blocking: one query)."""
        version = self.service.memory_version()
        changed = self._version is not None and version != self._version
        self._version = version
        return changed

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self.watcher is not None:
                self.watcher.stop()
                self.watcher = None

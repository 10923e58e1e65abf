"""Watching the tree: edits by an editor, a sync tool or `git pull` reach the index within
seconds. Events are debounced (a quiet period plus a cap) because editors and git produce
bursts; indexing is idempotent (content hashes), so repeated batches cost little.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from amber.indexer import ReconcileReport
from amber.service import MemoryService
from amber.store.db import IndexBusyError, IndexFullError
from amber.tree.layout import is_entry_file

QUIET_S = 0.3
EMBED_BATCH = 128
IDLE_TICK_S = 5.0
CAP_S = 1.5
# A full disk or a long-held index lock passes; the file is tried again, not left out of
# the index until its next edit.
RETRY_S = 30.0
PASSING_ERRORS = (IndexFullError, IndexBusyError, OSError)
OnChange = Callable[[str, str], None]


class _Collector(FileSystemEventHandler):
    def __init__(self, root: Path, watcher: TreeWatcher) -> None:
        self.root = root.resolve()
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self._note(Path(str(raw)), event.is_directory)

    def _note(self, path: Path, is_directory: bool) -> None:
        try:
            rel = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return
        if is_directory:
            self.watcher.request_rescan()
        elif is_entry_file(rel):
            self.watcher.add(rel)


class TreeWatcher:
    def __init__(self, service: MemoryService, on_change: OnChange | None = None) -> None:
        self.service = service
        self.on_change = on_change or (lambda path, outcome: None)
        self._pending: dict[str, float] = {}
        self._first = 0.0
        self._rescan = False
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._observer = Observer()
        self._worker = threading.Thread(target=self._run, name="amber-tree-index", daemon=True)
        self._lock = FileLock(str(service.config.watch_lock_path))
        self._last_write = -1
        self._embedded_up_to = -2  # not yet checked
        # The worker thread's own: files (None: the whole tree) to index again, and when.
        self._retry_at: dict[str | None, float] = {}

    def start(self) -> None:
        with contextlib.suppress(Timeout):  # tells other processes the index is kept fresh
            self._lock.acquire(timeout=0)
        self.service.config.tree_dir.mkdir(parents=True, exist_ok=True)
        tree_dir = self.service.config.tree_dir
        self._observer.schedule(_Collector(tree_dir, self), str(tree_dir), recursive=True)
        self._observer.start()
        # After the observer starts, so no change falls in between.
        self._report(self.service.reconcile())
        self._worker.start()

    def stop(self) -> None:
        self._observer.stop()
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._observer.join(timeout=5)
        self._worker.join(timeout=10)
        if self._lock.is_locked:
            self._lock.release()

    def add(self, rel_path: str) -> None:
        with self._cond:
            if not self._pending:
                self._first = time.monotonic()
            self._pending[rel_path] = time.monotonic()
            self._cond.notify_all()

    def request_rescan(self) -> None:
        with self._cond:
            self._rescan = True
            self._first = self._first or time.monotonic()
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            batch, rescan = self._next_batch()
            if rescan:
                self._reconcile()
            for rel_path in batch:
                self._index(rel_path)
            self._embed_some()
            self._retry_due()

    def _embed_some(self) -> None:
        """Vectors for new and edited entries, a bounded batch at a time so file events stay
        prompt. Events are not the tree's: the daemon embeds them while the machine is idle
        (amber/daemon/idle.py), `amber embed` on request."""
        if self.service.embedder is None or not self._memory_changed():
            return
        if not self.service.pending_embeddings(events=False):
            self._embedded_up_to = self._last_write
            return
        try:
            report = self.service.embed_pending(limit=EMBED_BATCH, events=False)
        except Exception as exc:  # a model problem must not stop indexing; say why
            self.on_change("(embeddings)", f"error: {exc}")
            return
        if report and report.embedded:
            self.on_change("(embeddings)", f"embedded {report.embedded}")

    def _memory_changed(self) -> bool:
        """Every write is audited, so the audit log's last row tells whether anything changed
        since the last idle tick; counting what waits for vectors would scan every document."""
        self._last_write = self.service.last_write()
        return self._last_write != self._embedded_up_to

    def _next_batch(self) -> tuple[list[str], bool]:
        with self._cond:
            while not self._stop.is_set():
                if self._pending or self._rescan:
                    now = time.monotonic()
                    last = max(self._pending.values(), default=self._first)
                    if now - last >= QUIET_S or now - self._first >= CAP_S:
                        batch = list(self._pending)
                        rescan = self._rescan
                        self._pending = {}
                        self._rescan = False
                        self._first = 0.0
                        return batch, rescan
                    self._cond.wait(QUIET_S / 3)
                else:
                    self._cond.wait(self._idle_wait())
                    return [], False  # an idle tick: time to embed what is pending
        return [], False

    def _idle_wait(self) -> float:
        soonest = min(self._retry_at.values(), default=time.monotonic() + IDLE_TICK_S)
        return max(0.0, min(IDLE_TICK_S, soonest - time.monotonic()))

    def _retry_due(self) -> None:
        now = time.monotonic()
        for rel_path in [p for p, when in self._retry_at.items() if when <= now]:
            del self._retry_at[rel_path]
            if rel_path is None:
                self.request_rescan()
            else:
                self.add(rel_path)

    def _reconcile(self) -> None:
        try:
            report = self.service.reconcile()
        except Exception as exc:  # the watcher must outlive a full disk; say why
            self._failed(None, exc)
            return
        self._retry_at.pop(None, None)
        self._report(report)

    def _report(self, report: ReconcileReport) -> None:
        """A scan's changes (at start, or after a folder changed: a file created, moved,
        removed) are reported as the files indexed one by one are."""
        for outcome, paths in (
            ("added", report.added),
            ("updated", report.updated),
            ("removed", report.removed),
        ):
            for rel_path in paths:
                self.on_change(rel_path, outcome)

    def _index(self, rel_path: str) -> None:
        try:
            outcome = self.service.watched_file_changed(rel_path)
        except Exception as exc:  # one bad file must not stop the watcher; say why
            self._failed(rel_path, exc)
            return
        self._retry_at.pop(rel_path, None)
        if outcome != "unchanged":
            self.on_change(rel_path, outcome)

    def _failed(self, rel_path: str | None, exc: Exception) -> None:
        where = "(tree)" if rel_path is None else rel_path
        if not isinstance(exc, PASSING_ERRORS):
            self.on_change(where, f"error: {exc}")
            return
        self._retry_at[rel_path] = time.monotonic() + RETRY_S
        self.on_change(where, f"error: {exc}; trying again in {RETRY_S:.0f} s")


def run_watch(service: MemoryService, on_change: OnChange | None = None) -> None:
    """Watch until SIGINT/SIGTERM; the handlers only set an event."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    watcher = TreeWatcher(service, on_change)
    watcher.start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        watcher.stop()

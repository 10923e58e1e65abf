"""The bounded queue between sources and the database, and the writer that empties it.

Durability: a capture is acknowledged (its `ack` runs) only after the transaction holding
its events, and the source's own progress rows (`checkpoint`), committed. A `kill -9` at any
moment therefore loses nothing acknowledged; what was committed but not yet acknowledged
comes again after a restart and is ignored by the events table's unique dedup key.

Back-pressure: the queue is bounded. A source that cannot read its input again (the screen)
has a new item dropped and counted in its `dropped`, never silently; one that can but would
only see it again at a rescan (the files source) waits for room instead.

Write trouble (a full disk, a quota, an I/O error, a locked index): the writer keeps the
batch and tries again with back-off, for as long as it takes; disk trouble is reported to
`DiskHealth`, where the daemon sees it and pauses capture until a commit works again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlcipher3

from amber.daemon.health import INDEX, DiskHealth, write_problem
from amber.daemon.stats import SourceStats
from amber.events import EventDraft
from amber.ingest import MAX_EVENT_BYTES, ingest
from amber.store.db import Database

log = logging.getLogger("amber.daemon")

CAPACITY = 256  # captures (a capture is one file's new chunks, or one screen)
BATCH = 64  # captures per transaction: one fsync for many small items
RETRY_S = (1.0, 5.0, 30.0)  # back-off while the disk is full or the database locked
DRAIN_ATTEMPTS = 3
WAIT_S = 0.5  # how often a waiting source checks whether it is being stopped


@dataclass
class Capture:
    source: str
    drafts: list[EventDraft]
    checkpoint: Callable[[Any], None] | None = None
    ack: Callable[[], None] | None = None


class CaptureSink:
    def __init__(
        self,
        db: Database,
        stats: Callable[[str], SourceStats],
        capacity: int = CAPACITY,
        health: DiskHealth | None = None,
        max_event_bytes: int = MAX_EVENT_BYTES,
    ):
        self.db = db
        self.max_event_bytes = max_event_bytes
        self.health = health or DiskHealth()
        self._stats = stats
        self._queue: queue.Queue[Capture] = queue.Queue(capacity)
        self._stopping = threading.Event()
        self._wake = threading.Event()  # ends a back-off early: stopping, or room is back
        self._thread = threading.Thread(target=self._run, name="amber-capture-writer", daemon=True)
        self._holding = 0  # captures in the batch being committed (or retried)
        self.problem = ""  # the writer's current trouble (disk full...), for the status

    def offer(self, capture: Capture, wait_unless: threading.Event | None = None) -> bool:
        """Queue a capture; when the queue is full, drop it, or with `wait_unless` wait for
        room until that event is set (a source stopping: its input is read again later)."""
        stats = self._stats(capture.source)
        stats.add(queued=1)
        while True:
            try:
                self._queue.put(capture, block=wait_unless is not None, timeout=WAIT_S)
                return True
            except queue.Full:
                if wait_unless is None or wait_unless.is_set() or self._stopping.is_set():
                    dropped = 0 if wait_unless is not None else len(capture.drafts)
                    stats.add(queued=-1, dropped=dropped)
                    return False

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    @property
    def waiting(self) -> int:
        """Captures not stored yet: queued, or in the batch the writer is trying."""
        return self.depth + self._holding

    def retry_soon(self) -> None:
        """Cut a back-off short: something suggests the disk has room again."""
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then end the writer (sources must be stopped first)."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not (self._stopping.is_set() and self._queue.empty()):
            batch = self._next_batch()
            if batch:
                self._commit_with_retry(batch)

    def _next_batch(self) -> list[Capture]:
        try:
            batch = [self._queue.get(timeout=1.0)]
        except queue.Empty:
            return []
        while len(batch) < BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _commit_with_retry(self, batch: list[Capture]) -> None:
        self._holding = len(batch)
        attempt = 0
        while True:
            try:
                self._commit(batch)
            except Exception as exc:
                if not _retryable(exc):  # a bad item (e.g. a plugin's checkpoint): isolate it
                    self._commit_one_by_one(batch) if len(batch) > 1 else self._drop_bad(batch[0])
                    break
                attempt += 1
                self._note_failure(batch, _cause(exc))
                if self._stopping.is_set() and attempt >= DRAIN_ATTEMPTS:
                    self._give_up(batch, "not committed at shutdown")
                    break
                self._back_off(attempt)
            else:
                self._note_success(len(batch))
                break
        self._holding = 0

    def _back_off(self, attempt: int) -> None:
        self._wake.wait(RETRY_S[min(attempt, len(RETRY_S)) - 1])
        if not self._stopping.is_set():
            self._wake.clear()

    def _commit(self, batch: list[Capture]) -> None:
        results: list[tuple[Capture, int]] = []
        with self.db.write() as conn:
            for capture in batch:
                results.append((capture, ingest(conn, capture.drafts, self.max_event_bytes).added))
                if capture.checkpoint:
                    capture.checkpoint(conn)
        for capture, added in results:  # committed: now, and only now, acknowledge
            self._stats(capture.source).committed(added, len(capture.drafts) - added)
            self._acknowledge(capture)

    def _acknowledge(self, capture: Capture) -> None:
        if capture.ack is None:
            return
        try:
            capture.ack()
        except Exception as exc:  # the events are stored; the source's bookkeeping failed
            log.exception("ack failed for %s", capture.source)
            self._stats(capture.source).error(f"after commit: {exc}")

    def _commit_one_by_one(self, batch: list[Capture]) -> None:
        for capture in batch:
            self._commit_with_retry([capture])

    def _drop_bad(self, capture: Capture) -> None:
        log.exception("capture from %s could not be stored", capture.source)
        self._give_up([capture], "could not be stored")

    def _note_failure(self, batch: list[Capture], cause: BaseException) -> None:
        message = f"cannot write the index: {cause}"
        self.problem = message
        if write_problem(cause):
            self.health.failed(INDEX, self.db.path, cause)
        log.warning("%s (%d captures waiting)", message, self.waiting)
        for name in {c.source for c in batch}:
            self._stats(name).error(message)

    def _note_success(self, count: int) -> None:
        if not self.problem:
            return
        self.problem = ""
        ended = self.health.ok(INDEX)
        if ended is not None:
            log.info(
                "index writable again after %s since %s (%d failed tries)",
                ended.problem,
                ended.since,
                ended.failures,
            )

    def _give_up(self, batch: list[Capture], why: str) -> None:
        for capture in batch:
            stats = self._stats(capture.source)
            stats.add(queued=-1, dropped=len(capture.drafts))
            stats.error(f"{len(capture.drafts)} items {why}")


def _retryable(exc: BaseException) -> bool:
    """Trouble that passes (a locked index, a full disk, an I/O error): keep the batch and
    try again. Anything else is the batch's own fault."""
    return isinstance(exc, sqlcipher3.OperationalError) or write_problem(_cause(exc)) is not None


def _cause(exc: BaseException) -> BaseException:
    """The error that started it. On SQLITE_FULL SQLite rolls the transaction back itself,
    so Database.write's own ROLLBACK fails with 'no transaction is active' and hides the
    real cause ('database or disk is full') in __context__."""
    if "no transaction is active" in str(exc) and exc.__context__ is not None:
        return exc.__context__
    return exc

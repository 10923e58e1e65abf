"""The daemon process: one instance per home, sources in threads, ordered shutdown.

Signal handlers only set an event; every wait in the daemon is `event.wait(timeout)`, so
SIGTERM is answered within a second. Shutdown order: stop the sources, drain the queue
into the database, stop the tree watcher and idle work, write the final status, close the
database (the caller closes it), release the lock.

A full disk (or a quota, or an I/O error) never ends the daemon: a write that fails is
recorded in `DiskHealth` and tried again. While the index cannot be written, capture is
paused (what was captured waits in the queue) and the status says so; the first commit
that works again lifts the pause.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import sqlcipher3

from amber.clock import now_iso
from amber.daemon.context import SourceContext
from amber.daemon.control import Control, ControlState
from amber.daemon.health import INDEX, LOG, DiskHealth
from amber.daemon.idle import Housekeeping, IdleJob, IdleRunner, IdleWork, embedding_job
from amber.daemon.logs import retry_log
from amber.daemon.paths import DaemonPaths
from amber.daemon.sink import CAPACITY, CaptureSink
from amber.daemon.stats import SourceStats
from amber.daemon.statusfile import StatusWriter
from amber.daemon.supervisor import SourceRunner, Supervisor
from amber.daemon.sync_job import SyncJob, sync_interval
from amber.errors import AmberError
from amber.pluginspec import CaptureSource
from amber.service import MemoryService
from amber.store.capture import undistilled_count

log = logging.getLogger("amber.daemon")

TICK_S = 1.0
STATUS_EVERY_S = 2.0
BACKLOG_EVERY_S = 30.0
CONTROL_EVERY_S = 30.0  # re-apply now and then even without a change (a clock jump)


@dataclass
class DaemonOptions:
    watch_tree: bool = True  # keep the index in step with edits to the tree, like `amber watch`
    idle_work: IdleWork | None = None  # None: the distiller, when distill_when_idle
    housekeeping: Housekeeping | None = None  # retention and compaction while idle
    distill_when_idle: bool = True
    embed_when_idle: bool = True  # vectors for what waits for them, with an embed model
    idle_check_s: float = 60.0
    idle_busy_percent: float = 25.0  # whole-machine CPU use above which it is not idle
    queue_capacity: int = CAPACITY
    status_every_s: float = STATUS_EVERY_S
    extra_status: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Switches:
    """What the main loop last applied, to see when to apply again."""

    version: tuple[int, int] | None = None
    applied_at: float = 0.0
    pause_ends: datetime | None = None
    state: ControlState = field(default_factory=lambda: ControlState({}))
    hold: str = ""  # why capture is held (the disk), as applied


class Daemon:
    def __init__(
        self,
        service: MemoryService,
        sources: dict[str, CaptureSource],
        options: DaemonOptions | None = None,
        derive_key: Callable[[str], bytes] | None = None,
        health: DiskHealth | None = None,
    ) -> None:
        self.service = service
        self.derive_key = derive_key
        self.options = options or DaemonOptions()
        self.paths = DaemonPaths.of(service.config)
        self.health = health or DiskHealth()  # shared with the log handler (run.py)
        self.stop_event = threading.Event()
        self.reload_event = threading.Event()
        self.stats = {name: SourceStats(name) for name in sources}
        capacity = self.options.queue_capacity
        limit = service.config.max_event_bytes
        self.sink = CaptureSink(service.db, self._stats_for, capacity, self.health, limit)
        self.status_file = StatusWriter(self.paths, self.health)
        self.control = Control(self.paths)
        self.supervisor = Supervisor(
            {
                name: SourceRunner(source, self.stats[name], partial(self._context, name))
                for name, source in sources.items()
            }
        )
        self.idle = self._idle_runner()
        self.sync_job = self._sync_job()
        self.started = now_iso()
        self._backlog = (0, 0.0, 0)  # (count, when counted, captures then)
        self._vectors_waiting = (0, 0.0)  # (count, when counted)
        self._watcher: Any = None
        self._switches = _Switches()
        self._status_at = 0.0
        self._seq = 0  # orders two status files written in the same second
        self._trouble: dict[str, str] = {}  # each loop step's trouble, logged once
        self.config_problem = ""

    def run(self) -> None:
        log.info("daemon %d started for %s", os.getpid(), self.paths.home)
        self.status_file.prepare()
        self.sink.start()
        try:
            self._start_watcher()
            if self.idle:
                self.idle.start()
            if self.sync_job:
                self.sync_job.start()
            self._loop()
        finally:  # even after a bug: no source or writer thread outlives the daemon
            self._shutdown()

    def request_stop(self) -> None:
        self.stop_event.set()

    def _loop(self) -> None:
        while True:
            self._guarded(self._apply_switches)
            if self.reload_event.is_set():
                self._guarded(self._restart_sources)
            if time.monotonic() - self._status_at >= self.options.status_every_s:
                self._status_at = time.monotonic()
                self._guarded(self.write_status, "running")
            if self.stop_event.wait(TICK_S):
                return

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        """One step of the loop. Trouble with the disk or the index (an I/O error, a full
        disk) is logged once and the step tried again next tick: it never ends the daemon."""
        name = step.__name__.strip("_")
        try:
            step(*args)
        except (OSError, sqlcipher3.Error) as exc:
            if self._trouble.get(name) != str(exc):
                log.warning("%s failed, trying again: %s", name, exc)
            self._trouble[name] = str(exc)
        else:
            self._trouble.pop(name, None)

    def _apply_switches(self, force: bool = False) -> None:
        """Start and stop sources after a change of the switches, the end of a timed pause,
        or a change of the disk's state; now and then anyway (a clock jump)."""
        now, seen = time.monotonic(), self._switches
        version, hold = self.control.version(), self._hold()
        if not (
            force
            or version != seen.version
            or now - seen.applied_at >= CONTROL_EVERY_S
            or (seen.pause_ends is not None and datetime.now(UTC) >= seen.pause_ends)
            or hold != seen.hold
        ):
            return
        state = self.control.read() or seen.state  # unreadable now: keep the switches
        self._note_hold(seen.hold, hold)
        self._switches = _Switches(version, now, state.next_change(), state, hold)
        self.supervisor.apply(state, hold)
        self._status_at = 0.0  # show the switch at once

    def _hold(self) -> str:
        """Why capture waits: the index cannot be written (a full disk); "" when it can."""
        failure = self.health.failure(INDEX)
        return f"{failure.problem}; resumes by itself" if failure else ""

    def _note_hold(self, before: str, now: str) -> None:
        if now and not before:
            log.warning("capture paused (%s), %d captures waiting", now, self.sink.waiting)
        elif before and not now:
            log.info("the index can be written again: capture resumes")

    def _restart_sources(self) -> None:
        """SIGHUP: re-read config.toml and restart the sources with it."""
        from amber.config import load_config

        self.reload_event.clear()
        log.info("reloading configuration")
        try:
            config = load_config(self.service.config.home)
        except AmberError as exc:  # a typo in config.toml must not stop capture
            config = None
            problem = str(exc)
        else:
            problem = config.capture.problem
        if config is None or problem:
            log.error("configuration not reloaded: %s", problem)
            self.config_problem = f"config.toml not reloaded: {problem}"
            return
        self.service.reload_config(config)
        self.config_problem = ""
        self.supervisor.stop_all()
        self._apply_switches(force=True)

    def _shutdown(self) -> None:
        log.info("stopping: sources, then the queue (%d waiting)", self.sink.depth)
        self.write_status("stopping")
        self.supervisor.stop_all()
        self.sink.stop()
        if self._watcher is not None:
            self._watcher.stop()
        if self.idle:
            self.idle.join()
        if self.sync_job:
            self.sync_job.join()
        self.write_status("stopped")
        log.info("daemon %d stopped", os.getpid())

    def _context(self, name: str) -> SourceContext:
        """A fresh context for one run of a source, from the configuration as loaded now
        (a SIGHUP reload restarts the sources, so they see the new one)."""
        from amber.daemon.context import private_folder

        config = self.service.config
        return SourceContext(
            name,
            config.capture.source(name),
            config.home,
            self.sink,
            self.stats[name],
            self.service.db,
            self.derive_key,
            never_capture=(config.home, config.tree_dir),
            private_dir=private_folder(self.paths, name),
        )

    def _stats_for(self, name: str) -> SourceStats:
        return self.stats.setdefault(name, SourceStats(name))

    def _idle_runner(self) -> IdleRunner | None:
        """The distiller first (what capture brings should reach the tree soon), then
        housekeeping (retention before vectors are spent on what it removes), then
        vectors."""
        opts = self.options
        jobs = []
        if opts.idle_work is not None:
            jobs.append(IdleJob("distiller", opts.idle_work, lambda: self.backlog(fresh=True) > 0))
        if opts.housekeeping is not None:
            jobs.append(IdleJob("housekeeping", opts.housekeeping, opts.housekeeping.due))
        if opts.embed_when_idle:
            jobs.append(embedding_job(self.service))
        if not jobs:
            return None
        return IdleRunner(
            jobs, self.stop_event, check_s=opts.idle_check_s, busy_percent=opts.idle_busy_percent
        )

    def _sync_job(self) -> SyncJob | None:
        """`amber sync` every `[sync] interval` seconds (amber/daemon/sync_job.py)."""
        interval, problem = sync_interval(self.paths.home)
        if problem:
            log.warning(problem)
        if not interval:
            return None
        service = self.service
        return SyncJob(
            service.sync, self.paths.home, interval, self.stop_event, service.sync_status
        )

    def _start_watcher(self) -> None:
        if not self.options.watch_tree:
            return
        from amber.watcher import TreeWatcher

        def note(path: str, outcome: str) -> None:
            log.info("tree: %s %s", outcome, path)

        self._watcher = TreeWatcher(self.service, note)
        self._watcher.start()

    def backlog(self, fresh: bool = False) -> int:
        """Events not distilled yet: counted again after new captures, or every 30 s (the
        distiller may run in another process), or when asked for a fresh count."""
        count, when, seen = self._backlog
        captured = sum(stats.captured for stats in list(self.stats.values()))
        if fresh or captured != seen or time.monotonic() - when >= BACKLOG_EVERY_S or not when:
            try:
                count = undistilled_count(self.service.db)
            except sqlcipher3.Error:  # the index cannot be read now: the last count will do
                return count
            self._backlog = (count, time.monotonic(), captured)
        return count

    def vectors_waiting(self) -> int | None:
        """Documents waiting for vectors (None without an embed model), counted every 30 s:
        the status is written every 2 s and the count need not be fresher."""
        if self.service.embedder is None:
            return None
        count, when = self._vectors_waiting
        if not when or time.monotonic() - when >= BACKLOG_EVERY_S:
            try:
                count = self.service.pending_embeddings()
            except sqlcipher3.Error:
                return count
            self._vectors_waiting = (count, time.monotonic())
        return count

    def write_status(self, state: str) -> None:
        """Write the status (never raises on a full disk: see StatusWriter)."""
        if self.health.failure(LOG):
            retry_log()  # else a quiet daemon's log would read as failing long after
        if self.status_file.write(lambda: self._status(state)):
            self.sink.retry_soon()  # status.json can be written again: try the index too

    def _status(self, state: str) -> dict[str, Any]:
        control = self._switches.state
        distiller: dict[str, Any] = {
            "backlog": self.backlog(),
            "vectors_waiting": self.vectors_waiting(),
        }
        distiller.update(self.idle.to_json() if self.idle else {"state": "not wired"})
        self._seq += 1
        return {
            "pid": os.getpid(),
            "state": state,
            "started": self.started,
            "updated": now_iso(),
            "seq": self._seq,
            "every_s": self.options.status_every_s,
            "home": str(self.paths.home),
            "paused": control.paused(None),
            "paused_until": control.paused_until(None),
            "log": str(self.paths.log),
            "queue": {
                "depth": self.sink.depth,
                "capacity": self.options.queue_capacity,
                "problem": self.sink.problem,
            },
            "disk": self._disk(),
            "sources": {name: stats.to_json() for name, stats in sorted(self.stats.items())},
            "distiller": distiller,
            "tree_watcher": self._watcher is not None,
            "sync": self.sync_job.to_json() if self.sync_job else {"state": "off"},
            "config_problem": self.config_problem,
            **self.options.extra_status,
        }

    def _disk(self) -> dict[str, Any]:
        disk = self.health.to_json()
        if not disk["ok"]:
            disk["capture"] = "paused" if self._switches.hold else "running"
            disk["waiting"] = self.sink.waiting
        return disk


def install_signal_handlers(daemon: Daemon) -> Callable[[], None]:
    """SIGTERM/SIGINT stop, SIGHUP reloads; the handlers only set events. Returns a function
    that restores the previous handlers."""
    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, lambda *_: daemon.stop_event.set()),
        signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: daemon.stop_event.set()),
        signal.SIGHUP: signal.signal(signal.SIGHUP, lambda *_: daemon.reload_event.set()),
    }

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore

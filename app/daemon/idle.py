"""Work for idle time, in this order: the distiller, housekeeping, then vectors; run in
small steps when the machine is not busy.

Each `IdleJob` says cheaply whether it is due and does a bounded step of work (`IdleWork`:
a callable that returns a one-line summary, None when there was nothing to do, and returns
promptly once `stop` is set). Steps run while a job is due and the rest of the machine
uses little CPU; after a step that did something the next follows at once, otherwise the
runner looks again once a minute.

- `distiller_work()` wires `amber.distill` when that package is installed.
- `embedding_job()` embeds what waits for vectors with the active embed model, newest
  first (amber/store/vectors.py): a year of capture is hours of embedding on a laptop,
  so it is done when the user is not using the machine, never while they type.
- `Housekeeping` runs every `HOUSEKEEPING_S`: the retention of `[retention]` in
  config.toml (amber/retention.py), then the index's compaction (amber/compaction.py).

All of them write in short transactions, so capture goes on.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psutil

from amber.clock import now_iso

if TYPE_CHECKING:
    from amber.service import MemoryService

log = logging.getLogger("amber.daemon")

IdleWork = Callable[[threading.Event], str | None]

CHECK_S = 60.0  # how often to look whether the machine is idle
BUSY_CPU_PERCENT = 25.0  # whole-machine CPU use above which the machine counts as busy
DISTILL_STEP = 200  # events per distiller step: small enough to yield the machine soon
EMBED_STEP = 32  # documents per embedding step: a few seconds of CPU, then a new look
HOUSEKEEPING_S = 6 * 3600.0  # retention and compaction: a few times a day is enough


@dataclass(frozen=True)
class IdleJob:
    name: str
    step: IdleWork
    due: Callable[[], bool]


class IdleRunner:
    """Runs the first due job that finds something to do, while the machine is idle."""

    def __init__(
        self,
        jobs: list[IdleJob],
        stop: threading.Event,
        *,
        check_s: float = CHECK_S,
        busy_percent: float = BUSY_CPU_PERCENT,
    ) -> None:
        self.jobs = jobs
        self.stop = stop
        self.check_s = check_s
        self.busy_percent = busy_percent
        self.state = "waiting for idle time"
        self.last_run: str | None = None
        self.errors = 0
        self._process = psutil.Process()
        self._thread = threading.Thread(target=self._loop, name="amber-idle-work", daemon=True)

    def start(self) -> None:
        self._others_cpu()  # the first call only starts the measurement
        self._thread.start()

    def join(self, timeout: float = 30.0) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def to_json(self) -> dict[str, object]:
        return {"state": self.state, "last_run": self.last_run, "errors": self.errors}

    def _loop(self) -> None:
        wait = self.check_s
        while not self.stop.wait(wait):
            wait = self.check_s
            due = [job for job in self.jobs if self._due(job)]
            if not due:
                self.state = "nothing to do"
                continue
            cpu = self._others_cpu()
            if cpu > self.busy_percent:
                self.state = f"waiting: machine busy ({cpu:.0f}% CPU)"
                continue
            # A due job may find nothing after all (another process did it): the next one
            # gets the turn rather than waiting a minute behind it.
            if any(self._step(job) for job in due):
                wait = 0.5  # more to do and the machine is free: go on almost at once

    def _due(self, job: IdleJob) -> bool:
        try:
            return job.due()
        except Exception:  # the index cannot be read now: look again next time
            log.exception("idle work %s: could not tell whether it is due", job.name)
            return False

    def _others_cpu(self) -> float:
        """Whole-machine CPU use since the last look, minus this daemon's own share: the
        daemon's own distilling must not make it think the user is busy."""
        total = psutil.cpu_percent(interval=None)
        ours = self._process.cpu_percent(interval=None) / (psutil.cpu_count() or 1)
        return max(0.0, total - ours)

    def _step(self, job: IdleJob) -> bool:
        """One bounded step; True when it did something."""
        if self.stop.is_set():
            return False
        self.state = f"working: {job.name}"
        try:
            summary = job.step(self.stop)
        except Exception as exc:  # a failing distiller must not stop capture
            log.exception("idle work %s failed", job.name)
            self.errors += 1
            self.state = f"error: {job.name}: {exc}"
            return False
        self.last_run = now_iso()
        self.state = summary or "nothing to do"
        if summary:
            log.info("idle work: %s", summary)
        return summary is not None


def distiller_work(service: MemoryService) -> IdleWork | None:
    """The distiller as idle work: `DISTILL_STEP` pending events per step, with the active
    chat model (loaded on the first step and then kept) or in zero-LLM mode. None when
    `amber.distill` is not installed."""
    if importlib.util.find_spec("amber.distill") is None or not hasattr(service, "distiller"):
        return None
    held: list[Any] = []

    def step(stop: threading.Event) -> str | None:
        if not held:
            held.append(service.distiller())
        report = held[0].run(DISTILL_STEP, should_stop=stop.is_set)
        return report.summary() if report.events else None

    return step


def embedding_job(service: MemoryService) -> IdleJob:
    """Vectors for what waits for them, `EMBED_STEP` documents a step; due only while an
    embed model is active and something waits (a count of a queue, not a scan)."""

    def step(stop: threading.Event) -> str | None:
        report = service.embed_pending(limit=EMBED_STEP)
        if report is None or not report.embedded:
            return None
        return f"embedded {report.embedded} ({report.chunks} chunks)"

    return IdleJob("vectors", step, due=lambda: service.pending_embeddings() > 0)


class Housekeeping:
    """Retention, then compaction, at most once every `every_s` (the first time as soon as
    the machine is idle): an `IdleWork` that also says when it is due."""

    def __init__(
        self,
        service: MemoryService,
        every_s: float = HOUSEKEEPING_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.every_s = every_s
        self.clock = clock
        self.next_at = clock()

    def due(self) -> bool:
        return self.clock() >= self.next_at

    def __call__(self, stop: threading.Event) -> str | None:
        self.next_at = self.clock() + self.every_s
        done = [*self._retention(stop)]
        if not stop.is_set():
            report = self.service.compact(stop.is_set)
            if report.done:
                done.append(report.summary())
        return "; ".join(done) or None

    def _retention(self, stop: threading.Event) -> list[str]:
        from amber.retention import cutoff

        settings = self.service.config.retention
        if settings.problem:
            log.warning("retention skipped: %s", settings.problem)
            return []
        done = []
        for source, days in sorted(settings.days.items()):
            if stop.is_set():
                break
            plan = self.service.prune_plan(source, cutoff(days))
            removed = self.service.prune(plan, stop.is_set) if plan.events else 0
            if removed:
                kept = f" (kept {plan.kept_cited} cited)" if plan.kept_cited else ""
                done.append(f"pruned {removed} {source} events older than {days:g} days{kept}")
        return done

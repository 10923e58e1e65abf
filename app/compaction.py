"""Compacting the index while the machine is idle: the full-text tables' segments merged
(what FTS5's 'optimize' does, in bounded steps) and free pages given back to the disk.

Every insert adds a small FTS5 segment and every delete (secure-delete overwrites tokens)
leaves pages behind; a year of capture and pruning leaves many segments, which slow every
recall a little, and free pages, which keep the file large. Each step is one short write
transaction, so the capture daemon's writer waits for a step at most, never for the
whole job.

Free pages: a home made before this module had `auto_vacuum = NONE`, so its free pages can
only be reclaimed by a whole `VACUUM`; once they exceed `VACUUM_SHARE` of the file (and
`MIN_FREE_BYTES`), one `VACUUM` rewrites the file and switches it to INCREMENTAL. From
then on `PRAGMA incremental_vacuum` returns them a `GIVE_BACK_PAGES` step at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from amber.store import compaction as compaction_rows
from amber.store.db import Database

MERGE_PAGES = 500  # per merge step: about 2 MB of a full-text table rewritten
GIVE_BACK_PAGES = 2_000  # per incremental vacuum step: 8 MB with 4 KB pages
VACUUM_SHARE = 0.10  # free pages above this share of the file: worth a whole VACUUM ...
MIN_FREE_BYTES = 8 * 1024 * 1024  # ... and above this many bytes
MAX_STEPS = 10_000  # a bound on the loops, should a table never answer "done"


@dataclass
class Report:
    seconds: float = 0.0
    bytes_before: int = 0
    bytes_after: int = 0
    merge_steps: int = 0
    vacuumed: bool = False  # a whole VACUUM ran (once, switching to incremental)
    stopped: bool = False  # asked to stop before the end
    done: list[str] = field(default_factory=list)

    @property
    def reclaimed(self) -> int:
        return max(0, self.bytes_before - self.bytes_after)

    def summary(self) -> str:
        what = ", ".join(self.done) or "nothing to compact"
        return (
            f"index compacted: {what}; {self.reclaimed / 1e6:.1f} MB given back in "
            f"{self.seconds:.1f} s"
        )


def compact(db: Database, should_stop: Callable[[], bool] = lambda: False) -> Report:
    started = time.perf_counter()
    before = compaction_rows.pages(db)
    report = Report(bytes_before=before.total * before.page_size)
    _merge(db, report, should_stop)
    if not should_stop():
        _free_pages(db, report, should_stop)
    report.stopped = should_stop()
    after = compaction_rows.pages(db)
    report.bytes_after = after.total * after.page_size
    report.seconds = time.perf_counter() - started
    return report


def _merge(db: Database, report: Report, should_stop: Callable[[], bool]) -> None:
    for table in compaction_rows.FULLTEXT_TABLES:
        steps = 0
        while steps < MAX_STEPS and not should_stop():
            if not compaction_rows.merge_step(db, table, MERGE_PAGES):
                break
            steps += 1
        report.merge_steps += steps
        if steps:
            report.done.append(f"{table} merged in {steps} steps")


def _free_pages(db: Database, report: Report, should_stop: Callable[[], bool]) -> None:
    pages = compaction_rows.pages(db)
    if pages.auto_vacuum != compaction_rows.INCREMENTAL:
        free_bytes = pages.free * pages.page_size
        if pages.free_share > VACUUM_SHARE and free_bytes > MIN_FREE_BYTES:
            db.checkpoint()
            compaction_rows.vacuum(db, incremental=True)
            report.vacuumed = True
            report.done.append("vacuumed (now incremental)")
        return
    given = 0
    while pages.free and not should_stop() and given < MAX_STEPS:
        compaction_rows.give_back(db, GIVE_BACK_PAGES)
        left = compaction_rows.pages(db)
        given += 1
        if left.free >= pages.free:  # nothing more can be given back now
            break
        pages = left
    if given:
        db.checkpoint()  # the WAL holds the moved pages until then
        report.done.append("free pages given back")

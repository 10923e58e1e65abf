"""Retention: old events of one source removed for good, keeping what the tree stands on.

`plan` finds the events of a source from before a time and keeps back:

- events an entry cites (its `sources`, its footnotes), and those whose reply an entry
  cites (a page may quote a message as the question its reply answers);
- events the distiller has not read yet (it decides what in them matters).

`apply` removes the rest through the forgetting path (amber/forgetting.py), so their
full-text rows, vectors, rewrites and review proposals go too, in transactions of
`BATCH` events (the capture daemon's writer waits for one batch at most). The log of a
distiller operation that used a pruned event loses its copies of the files' earlier text;
`amber undo` of that operation then says that retention pruned its events, rather than
restoring entries that would cite events no longer stored.

Retention is per source: `amber prune --source screen --before DATE`, and the daemon
applies `[retention] <source> = DAYS` of config.toml while the machine is idle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amber.clock import iso, now
from amber.forgetting import ForgetPlan, Forgetting
from amber.store import retention as retention_rows
from amber.store.db import Database
from amber.store.forget import FoundEvent, Selection

# Events per transaction: FTS5's secure-delete overwrites each one's tokens, about 7 ms for
# a screen of 400 words on this project's 2-core VM, so a batch holds the index's write
# lock for about 4 s (the capture daemon's writer waits that long at most).
BATCH = 500


@dataclass
class PrunePlan:
    source: str
    before: str  # ISO time: events first seen before it
    events: list[FoundEvent] = field(default_factory=list)  # to remove
    kept_cited: int = 0  # an entry cites them (or their reply)
    kept_undistilled: int = 0  # the distiller has not read them yet

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "before": self.before,
            "events": len(self.events),
            "kept_cited": self.kept_cited,
            "kept_undistilled": self.kept_undistilled,
        }


def plan(db: Database, source: str, before: datetime, limit: int = 10_000_000) -> PrunePlan:
    """What pruning `source` before `before` would remove and keep; changes nothing."""
    pruning = PrunePlan(source, iso(before))
    cited = retention_rows.cited_handles(db)
    for candidate in retention_rows.candidates(db, source, pruning.before, limit):
        event = candidate.event
        if {event.id, event.ref, *candidate.next_handles} & cited:
            pruning.kept_cited += 1
        elif not candidate.distilled:
            pruning.kept_undistilled += 1
        else:
            pruning.events.append(event)
    return pruning


def apply(
    forgetting: Forgetting, pruning: PrunePlan, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Remove the plan's events, a batch per transaction; returns how many went (fewer
    when `should_stop` said so between batches)."""
    removed = 0
    why = {"pruned": iso(now()), "source": pruning.source, "before": pruning.before}
    selection = Selection(source=pruning.source, until=pruning.before)
    for start in range(0, len(pruning.events), BATCH):
        if should_stop():
            break
        batch = pruning.events[start : start + BATCH]
        forgetting.apply(ForgetPlan(selection, batch, citing=[]), why=why)
        removed += len(batch)
    return removed


def cutoff(days: float, moment: datetime | None = None) -> datetime:
    return (moment or now()) - timedelta(days=days)

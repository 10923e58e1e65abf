"""Lifecycle signals of entries: importance, accesses, maturity. Soft state in the index.

Importance starts at 0.5, is bumped by recall hits and by updates, and decays toward a floor
while an entry sits idle; recall multiplies scores by `fusion.importance_factor(importance)`.
Decay is computed in closed form from the importance at the last activity (`base`) and the
idle time, so a refresh can run any number of times and gives the same value. Maturity
tiers (draft, validated, core) rise with use and slow the decay: a memory that proved
useful fades more slowly. Hysteresis keeps an entry from flapping between tiers.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlcipher3

from amber.clock import iso, parse_iso
from amber.store import lifecycle as life_rows
from amber.store.db import Database
from amber.tree.layout import ARCHIVE

DEFAULT_IMPORTANCE = 0.5
FLOOR = 0.2
HALF_LIFE_DAYS = 90.0
GRACE_DAYS = 14.0  # no decay in the first two weeks of idleness
HIT_BUMP = 0.03
UPDATE_BUMP = 0.1
HIT_TOP = 3  # only the best entry hits of a recall count as accesses
FLUSH_S = 5.0  # recall hits are written at most this often (one small transaction)
SLOWDOWN = {"draft": 1.0, "validated": 2.0, "core": 4.0}
VALIDATED_AT = 0.65
VALIDATED_ACCESSES = 3
VALIDATED_KEEP = 0.4
CORE_AT = 0.8
CORE_ACCESSES = 10
CORE_KEEP = 0.6
STALE_IDLE_DAYS = 180
STALE_BELOW = 0.35
SAVE_STEP = 0.005  # decay is written once it moved importance this much


def decayed(base: float, idle_days: float, maturity: str) -> float:
    if base <= FLOOR:
        return base
    over = max(0.0, idle_days - GRACE_DAYS)
    half_life = HALF_LIFE_DAYS * SLOWDOWN.get(maturity, 1.0)
    return FLOOR + (base - FLOOR) * math.pow(0.5, over / half_life)


def next_maturity(current: str, importance: float, accesses: int) -> str:
    if importance >= CORE_AT and accesses >= CORE_ACCESSES:
        return "core"
    if current == "core" and importance >= CORE_KEEP:
        return "core"
    if importance >= VALIDATED_AT or (accesses >= VALIDATED_ACCESSES and importance >= 0.5):
        return "validated"
    if current in ("validated", "core") and importance >= VALIDATED_KEEP:
        return "validated"
    return "draft"


def idle_days(row: life_rows.LifeRow, now: datetime) -> float:
    """Days since the last access or the last update counted, whichever is later."""
    stamps = [parse_iso(row.last_access), parse_iso(row.last_update or row.updated)]
    known = [s for s in stamps if s is not None]
    if not known:
        return 0.0
    return max(0.0, (now - max(known)).total_seconds() / 86400)


def _activity(row: life_rows.LifeRow, now: datetime, amount: float, accesses: int) -> None:
    current = decayed(row.base, idle_days(row, now), row.maturity)
    row.base = row.importance = min(1.0, current + amount)
    if accesses:
        row.access_count += accesses
        row.last_access = iso(now, seconds=True)
    row.maturity = next_maturity(row.maturity, row.importance, row.access_count)


def record_hits(db: Database, counts: dict[str, int], now: datetime | None = None) -> None:
    """Bump the entries recall returned (one transaction for all of them)."""
    now = now or datetime.now(UTC)
    with db.write() as conn:
        rows = life_rows.rows_for(conn, list(counts))
        for row in rows:
            _activity(row, now, HIT_BUMP * counts[row.entry_id], counts[row.entry_id])
        life_rows.save(conn, rows)


@dataclass
class RefreshReport:
    updates_counted: int = 0
    changed: int = 0


def refresh(db: Database, now: datetime | None = None) -> RefreshReport:
    """Count new updates as bumps and apply decay to every entry (idempotent)."""
    now = now or datetime.now(UTC)
    report = RefreshReport()
    changed = []
    for row in life_rows.rows(db):
        before = (row.importance, row.maturity, row.seen_hash)
        if row.seen_hash is None:  # first sighting: being created is not an update
            row.seen_hash = row.content_hash
            row.last_update = row.updated
        elif row.content_hash != row.seen_hash:  # any edit: Amber's, an editor's, a pull
            _activity(row, now, UPDATE_BUMP, 0)
            row.seen_hash = row.content_hash
            row.last_update = iso(now, seconds=True)
            report.updates_counted += 1
        row.importance = decayed(row.base, idle_days(row, now), row.maturity)
        row.maturity = next_maturity(row.maturity, row.importance, row.access_count)
        if _differs(before, (row.importance, row.maturity, row.seen_hash)):
            changed.append(row)
    if changed:
        with db.write() as conn:
            life_rows.save(conn, changed)
    report.changed = len(changed)
    return report


def _differs(a: tuple, b: tuple) -> bool:
    # Decay moves every idle entry a little all the time; writing each tiny step would
    # rewrite the whole table on every refresh. A step this small does not change ranking.
    return abs(a[0] - b[0]) >= SAVE_STEP or a[1:] != b[1:]


@dataclass(frozen=True)
class StaleEntry:
    entry_id: str
    path: str
    title: str
    importance: float
    idle_days: int
    maturity: str


def stale(
    db: Database,
    now: datetime | None = None,
    min_idle_days: int = STALE_IDLE_DAYS,
    below: float = STALE_BELOW,
) -> list[StaleEntry]:
    """Entries worth archiving: unproven (draft), unimportant, idle for long, not archived."""
    now = now or datetime.now(UTC)
    found = []
    for row in life_rows.rows(db):
        idle = idle_days(row, now)
        importance = decayed(row.base, idle, row.maturity)
        if row.path.startswith(ARCHIVE + "/"):
            continue
        if row.maturity == "draft" and importance <= below and idle >= min_idle_days:
            found.append(
                StaleEntry(
                    row.entry_id, row.path, row.title, round(importance, 3), int(idle), row.maturity
                )
            )
    return sorted(found, key=lambda s: (s.importance, -s.idle_days))


class HitTracker:
    """Collects recall hits and writes them at most every FLUSH_S seconds, so a burst of
    queries (an agent, a benchmark) costs one small write, not one per query."""

    def __init__(self) -> None:
        self.pending: Counter[str] = Counter()
        self._last_flush = -math.inf

    def note(self, db: Database, entry_ids: list[str]) -> None:
        self.pending.update(entry_ids[:HIT_TOP])
        if self.pending and time.monotonic() - self._last_flush >= FLUSH_S:
            self.flush(db)

    def flush(self, db: Database) -> None:
        if not self.pending:
            return
        try:
            record_hits(db, dict(self.pending))
        except sqlcipher3.OperationalError:  # busy or read-only: soft state, try next time
            return
        self.pending.clear()
        self._last_flush = time.monotonic()

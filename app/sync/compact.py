"""`amber sync compact`: this device's many small event segments as a few large ones.

Each sync that sends something adds a segment, so a daemon syncing every 15 minutes makes
tens of thousands a year, and every sync lists them all. Compacting reads this device's
segments (never another device's: each writes only its own folder, so git never merges
them), keeps each record once, drops the events a tombstone forgot, and writes what is
left as new segments of up to `COMPACT_RECORDS` records, sealed afresh. The tombstones and
the distilled marks are kept: a device that joins later still needs them.

A compacted segment starts with a record naming the segments it replaces. A device that
applied every one of them marks it applied without applying its records; any other device
(one that joins later) applies it whole, through the same idempotent path as any segment
(events unique by key, tombstones and marks once). So no device imports an event twice.

The new files are written before the index records them and before the old ones are
removed: a compaction cut short leaves both, which the next one merges again.
"""

from __future__ import annotations

from dataclasses import dataclass

from amber.clock import now_iso
from amber.ids import new_id
from amber.store import sync as sync_rows
from amber.store.db import Database
from amber.sync import segments
from amber.tree.files import TreeFiles

COMPACT_RECORDS = 50_000  # records per compacted segment: a few MB sealed
COMPACTED = "compacted"  # the first record of a compacted segment: what it replaces


@dataclass
class CompactReport:
    device: str
    segments_before: int = 0
    segments_after: int = 0
    events: int = 0  # events the new segments hold
    dropped: int = 0  # events left out: forgotten, or the same event twice
    tombstones: int = 0
    marks: int = 0


def replaced(records: list[dict[str, object]]) -> list[str]:
    """The segments a compacted one replaces ([] for any other segment)."""
    if records and records[0].get("t") == COMPACTED:
        return [str(name) for name in list(records[0].get("from") or [])]
    return []


def compact(db: Database, files: TreeFiles, device: str, key: bytes) -> CompactReport:
    """Merge this device's segments (the caller holds the sync and tree locks)."""
    report = CompactReport(device)
    own = [s for s in segments.list_segments(files.root) if s.split("/")[-2] == device]
    report.segments_before = len(own)
    if len(own) < 2:
        report.segments_after = len(own)
        return report
    records = _kept(db, files, key, own, report)
    written = [_write(files, device, key, own, chunk) for chunk in _chunks(records)]
    with db.write() as conn:
        for name in written:
            sync_rows.mark_applied(conn, name, now_iso())
    for name in own:
        files.delete(name)
    report.segments_after = len(written)
    return report


def _kept(
    db: Database, files: TreeFiles, key: bytes, names: list[str], report: CompactReport
) -> list[dict[str, object]]:
    """Every record of these segments once, less the events a tombstone forgot."""
    seen: dict[tuple[str, str, str], dict[str, object]] = {}
    for name in names:
        for record in segments.open_segment(key, name, files.read_bytes(name)):
            kind = str(record.get("t"))
            if kind == COMPACTED:
                continue
            slot = (kind, str(record.get("kind", "")), str(record.get("key")))
            if slot in seen:
                report.dropped += kind == "event"
                continue
            seen[slot] = record
    events = [r for r in seen.values() if r.get("t") == "event"]
    dead = sync_rows.tombstoned(db, [str(r["key"]) for r in events])
    report.dropped += len(dead)
    kept = [r for r in seen.values() if r.get("t") != "event" or r["key"] not in dead]
    report.events = sum(1 for r in kept if r.get("t") == "event")
    report.tombstones = sum(1 for r in kept if r.get("t") == "forget")
    report.marks = len(kept) - report.events - report.tombstones
    return kept


def _chunks(records: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """At least one (an empty one still tells the others which segments went)."""
    starts = range(0, max(len(records), 1), COMPACT_RECORDS)
    return [records[i : i + COMPACT_RECORDS] for i in starts]


def _write(
    files: TreeFiles, device: str, key: bytes, old: list[str], records: list[dict[str, object]]
) -> str:
    name = segments.segment_name(device, new_id())
    header: dict[str, object] = {"t": COMPACTED, "from": old}
    files.write_bytes(name, segments.seal(key, name, [header, *records]))
    return name

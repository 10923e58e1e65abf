"""Events between devices: this device's new events and tombstones go out as encrypted
segments; other devices' segments come in through `amber.ingest`, once each.

Out: the events no segment holds yet, then the tombstones of what was forgotten here since
(an event the repository holds whose local copy is gone; an entry file removed whose id
is nowhere else) and the marks of events distilled here since (amber/sync/distilling.py),
as new segments of this device. The file is written first, then its
events are recorded as sent: a crash in between sends them again in another segment,
which every device then applies as nothing new.

In: each segment not applied yet, in one transaction with its mark: its events through
`ingest` (unique by dedup key, so a known event adds nothing), its tombstones applied
(events deleted with every trace, `store/forget.py`; entries handed to `forget_entry`
after the transaction, through the entry writer), its marks followed (those events count
as distilled here too).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlcipher3

from amber.clock import now_iso, parse_iso
from amber.events import EventDraft
from amber.ids import new_id
from amber.ingest import cut_to, ingest, prepare
from amber.store import forget as forget_rows
from amber.store import sync as sync_rows
from amber.store.db import Database
from amber.sync import compact as compaction
from amber.sync import segments
from amber.tree.files import TreeFiles

DISTILLED = "distilled"  # a record: the event of this key was distilled (amber/sync/distilling.py)
SEGMENT_EVENTS = 5000  # events per segment: a large first export is many mid-sized files


@dataclass
class Exchange:
    sent_events: int = 0
    sent_tombstones: int = 0
    sent_marks: int = 0  # events distilled here, marked so for the other devices
    segments_written: list[str] = field(default_factory=list)
    received_events: int = 0
    received_segments: int = 0
    forgotten_events: int = 0
    forgotten_entries: list[str] = field(default_factory=list)


class EventExchange:
    def __init__(
        self, db: Database, files: TreeFiles, device: str, key: bytes, max_event_bytes: int
    ) -> None:
        self.db = db
        self.files = files
        self.device = device
        self.key = key
        self.max_event_bytes = max_event_bytes

    # -- out ---------------------------------------------------------------------------------

    def send(self, report: Exchange, forgotten_entries: list[str]) -> None:
        """Write this device's new events, then its tombstones and distilled marks, as
        segments (tree lock held): events first, so a mark follows the event it names."""
        while rows := sync_rows.unsent_events(self.db, SEGMENT_EVENTS):
            records = [_event_record(row) for row in rows]
            name = self._write(records)
            with self.db.write() as conn:
                sync_rows.record_events(conn, [(r["key"], r["key"], name) for r in records])
                sync_rows.mark_applied(conn, name, now_iso())
            report.sent_events += len(records)
            report.segments_written.append(name)
        gone = sync_rows.forgotten_here(self.db)
        marked = sync_rows.distilled_unmarked(self.db)
        notes = [_tomb(sync_rows.EVENT, key) for key in gone]
        notes += [_tomb(sync_rows.ENTRY, entry_id) for entry_id in forgotten_entries]
        notes += [{"t": DISTILLED, "key": key} for key in marked]
        if notes:
            name = self._write(notes)
            with self.db.write() as conn:
                sync_rows.add_tombstones(conn, gone, sync_rows.EVENT, name)
                sync_rows.add_tombstones(conn, forgotten_entries, sync_rows.ENTRY, name)
                sync_rows.add_distilled(conn, marked)
                sync_rows.mark_applied(conn, name, now_iso())
            report.sent_tombstones += len(gone) + len(forgotten_entries)
            report.sent_marks += len(marked)
            report.segments_written.append(name)

    def resend_unreadable(self) -> int:
        """This device's segments sealed with a key it no longer has (it took the memory's
        key after syncing alone: `amber sync init` with the same passphrase, or `amber key
        import`) are made again from the index: each is removed, its events and marks go
        out again with the next `send`, its tombstones at once. Returns how many."""
        own = [n for n in segments.list_segments(self.files.root) if _device_of(n) == self.device]
        unreadable = [n for n in own if not self._opens(n)]
        if not unreadable:
            return 0
        tombs: list[tuple[str, str]] = []
        with self.db.write() as conn:
            for name in unreadable:
                tombs += sync_rows.drop_segment(conn, name)
        for name in unreadable:
            self.files.delete(name)
        if tombs:
            name = self._write([_tomb(kind, key) for key, kind in tombs])
            with self.db.write() as conn:
                sync_rows.move_tombstones(conn, unreadable, name)
                sync_rows.mark_applied(conn, name, now_iso())
        return len(unreadable)

    def _opens(self, name: str) -> bool:
        try:
            segments.open_segment(self.key, name, self.files.read_bytes(name))
        except segments.SegmentError:
            return False
        return True

    def _write(self, records: list[dict[str, object]]) -> str:
        name = segments.segment_name(self.device, new_id())
        self.files.write_bytes(name, segments.seal(self.key, name, records))
        return name

    # -- in ----------------------------------------------------------------------------------

    def receive(self, report: Exchange, forget_entry: Callable[[str], bool]) -> None:
        """Apply every segment not applied here yet (tree lock held)."""
        applied = sync_rows.applied_segments(self.db)
        for name in segments.list_segments(self.files.root):
            if name in applied:
                continue
            data = self.files.read_bytes(name)
            records = segments.open_segment(self.key, name, data)
            old = compaction.replaced(records)
            if old and applied.issuperset(old):  # what it holds is here already
                with self.db.write() as conn:
                    sync_rows.mark_applied(conn, name, now_iso())
                continue
            entry_tombs = self._apply(name, records, report)
            report.received_segments += 1
            for entry_id in entry_tombs:
                if forget_entry(entry_id):
                    report.forgotten_entries.append(entry_id)

    def _apply(self, name: str, records: list[dict[str, object]], report: Exchange) -> list[str]:
        events = [r for r in records if r.get("t") == "event"]
        tombs = [r for r in records if r.get("t") == "forget"]
        event_tombs = [str(t["key"]) for t in tombs if t.get("kind") == sync_rows.EVENT]
        entry_tombs = [str(t["key"]) for t in tombs if t.get("kind") == sync_rows.ENTRY]
        marks = [str(r["key"]) for r in records if r.get("t") == DISTILLED]
        with self.db.write() as conn:
            report.received_events += self._ingest(conn, name, events)
            sync_rows.add_distilled(conn, marks)
            sync_rows.follow_distilled(conn, [*marks, *(str(e["key"]) for e in events)])
            if event_tombs:
                found = sync_rows.local_events(conn, event_tombs)
                forget_rows.delete(conn, found)
                report.forgotten_events += len(found)
                sync_rows.add_tombstones(conn, event_tombs, sync_rows.EVENT, name)
            sync_rows.add_tombstones(conn, entry_tombs, sync_rows.ENTRY, name)
            sync_rows.mark_applied(conn, name, now_iso())
        if event_tombs:
            self.db.checkpoint()  # no copy of what was forgotten stays in the WAL
        return entry_tombs

    def _ingest(self, conn: sqlcipher3.Connection, name: str, events: list[dict]) -> int:
        dead = sync_rows.tombstoned(self.db, [str(e["key"]) for e in events])
        drafts = {str(e["key"]): _draft(e) for e in events if e["key"] not in dead}
        added = ingest(conn, drafts.values(), self.max_event_bytes).added
        stored = sync_rows.present_keys(conn, [d.dedup_key for d in drafts.values()])
        rows = [(key, self._local_key(d, stored), name) for key, d in drafts.items()]
        sync_rows.record_events(conn, rows)
        return added

    def _local_key(self, draft: EventDraft, stored: set[str]) -> str:
        """The dedup key `ingest` stored the draft under: the sender's, unless this
        device's redaction changed the text (then made again as ingest made it)."""
        if draft.dedup_key in stored:
            return draft.dedup_key
        return prepare(cut_to(draft, self.max_event_bytes)).draft.dedup_key


def _device_of(segment: str) -> str:
    return segment.split("/")[-2]


def _tomb(kind: str, key: str) -> dict[str, object]:
    return {"t": "forget", "kind": kind, "key": key}


def _event_record(row: tuple) -> dict[str, object]:
    key, source, uri, conversation, message_id, author, ts, title, text, trust, meta, cap = row
    return {
        "t": "event",
        "key": key,
        "source": source,
        "uri": uri,
        "conversation": conversation,
        "message_id": message_id,
        "author": author,
        "ts": ts,
        "title": title,
        "text": text,
        "trust": trust,
        "meta": json.loads(meta or "{}"),
        "captured_at": cap,
    }


def _draft(record: dict) -> EventDraft:
    return EventDraft(
        source=str(record["source"]),
        text=str(record["text"]),
        uri=str(record.get("uri") or ""),
        conversation=str(record.get("conversation") or ""),
        message_id=str(record.get("message_id") or ""),
        author=str(record.get("author") or ""),
        timestamp=parse_iso(record.get("ts")),
        title=str(record.get("title") or ""),
        trust=str(record.get("trust") or "trusted"),
        meta=dict(record.get("meta") or {}),
    )

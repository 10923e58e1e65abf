"""SQL for `amber sync`'s bookkeeping of the repository's event segments.

An event is known to the repository by its key there (the dedup key of the device that
wrote it) and here by its local dedup key (the same, unless redaction changed since).
A key in `sync_events` whose local event is gone was forgotten on this device: it becomes a
tombstone. Every segment applied here (this device's own included) is in `sync_segments`,
so a segment is read once, and its records and its mark are one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlcipher3

from amber.store.db import Database
from amber.store.forget import FoundEvent

EVENT = "event"
ENTRY = "entry"

_EXPORT_COLUMNS = (
    "dedup_key, source, uri, conversation, message_id, author, ts, title, text, trust, meta, "
    "captured_at"
)
_FOUND_COLUMNS = (
    "e.rowid, e.id, e.ref, e.source, e.conversation, e.ts, substr(e.text, 1, 200), "
    "coalesce(json_extract(e.meta, '$.image'), '')"
)


@dataclass(frozen=True)
class Counts:
    events: int  # events the repository holds, as known here
    tombstones: int
    unsent: int  # local events no segment holds yet


def unsent_events(db: Database, limit: int) -> list[tuple]:
    """Local events no segment holds yet (oldest first): rows of `_EXPORT_COLUMNS`."""
    return db.query(
        f"SELECT {_EXPORT_COLUMNS} FROM events e WHERE NOT EXISTS "
        "(SELECT 1 FROM sync_events s WHERE s.local_key = e.dedup_key) AND NOT EXISTS "
        "(SELECT 1 FROM sync_tombstones t WHERE t.key = e.dedup_key) ORDER BY rowid LIMIT ?",
        (limit,),
    )


def record_events(conn: sqlcipher3.Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """(key, local key, segment) of events a segment holds."""
    conn.executemany("INSERT OR IGNORE INTO sync_events VALUES (?, ?, ?)", list(rows))


def mark_applied(conn: sqlcipher3.Connection, segment: str, stamp: str) -> None:
    conn.execute("INSERT OR IGNORE INTO sync_segments VALUES (?, ?)", (segment, stamp))


def applied_segments(db: Database) -> set[str]:
    return {row[0] for row in db.query("SELECT name FROM sync_segments")}


def forgotten_here(db: Database) -> list[str]:
    """Keys of events the repository holds whose local copy is gone (forgotten here)."""
    rows = db.query(
        "SELECT key FROM sync_events s WHERE NOT EXISTS "
        "(SELECT 1 FROM events e WHERE e.dedup_key = s.local_key) ORDER BY key"
    )
    return [row[0] for row in rows]


def known_entry_tombstones(db: Database, ids: list[str]) -> set[str]:
    rows = db.query_in("SELECT key FROM sync_tombstones WHERE kind = 'entry' AND key IN (%s)", ids)
    return {row[0] for row in rows}


def tombstoned(db: Database, keys: list[str]) -> set[str]:
    rows = db.query_in("SELECT key FROM sync_tombstones WHERE key IN (%s)", keys)
    return {row[0] for row in rows}


def add_tombstones(
    conn: sqlcipher3.Connection, keys: Iterable[str], kind: str, segment: str
) -> None:
    """Tombstones: the repository no longer holds these events (or entries)."""
    keys = list(keys)
    conn.executemany(
        "INSERT OR IGNORE INTO sync_tombstones VALUES (?, ?, ?)",
        [(key, kind, segment) for key in keys],
    )
    conn.executemany("DELETE FROM sync_events WHERE key = ?", [(key,) for key in keys])


def local_events(conn: sqlcipher3.Connection, keys: list[str]) -> list[FoundEvent]:
    """The local events that repository keys name (a tombstone's), to forget them."""
    found: list[FoundEvent] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {_FOUND_COLUMNS} FROM events e WHERE e.dedup_key IN ({marks}) OR "
            f"e.dedup_key IN (SELECT local_key FROM sync_events WHERE key IN ({marks}))",
            [*chunk, *chunk],
        ).fetchall()
        found += [FoundEvent(*row) for row in rows]
    return found


def present_keys(conn: sqlcipher3.Connection, keys: list[str]) -> set[str]:
    """Which of these dedup keys local events have."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT dedup_key FROM events WHERE dedup_key IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found


def counts(db: Database) -> Counts:
    row = db.one(
        "SELECT (SELECT count(*) FROM sync_events), (SELECT count(*) FROM sync_tombstones), "
        "(SELECT count(*) FROM events e WHERE NOT EXISTS "
        "(SELECT 1 FROM sync_events s WHERE s.local_key = e.dedup_key))"
    )
    assert row is not None
    return Counts(int(row[0]), int(row[1]), int(row[2]))


# -- the distilling device's marks and pages (amber/sync/distilling.py) ------------------------


def distilled_unmarked(db: Database) -> list[str]:
    """Repository keys of events distilled here that no mark holds yet."""
    rows = db.query(
        "SELECT s.key FROM sync_events s JOIN events e ON e.dedup_key = s.local_key "
        "WHERE e.distilled = 1 AND NOT EXISTS (SELECT 1 FROM sync_distilled d WHERE d.key = s.key) "
        "ORDER BY s.key"
    )
    return [row[0] for row in rows]


def add_distilled(conn: sqlcipher3.Connection, keys: Iterable[str]) -> None:
    conn.executemany("INSERT OR IGNORE INTO sync_distilled VALUES (?)", [(k,) for k in keys])


def follow_distilled(conn: sqlcipher3.Connection, keys: list[str]) -> int:
    """Mark distilled the local events of these keys that a mark holds (a mark may come
    before its event, from a device whose clock runs ahead); returns how many."""
    changed = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        changed += conn.execute(
            "UPDATE events SET distilled = 1 WHERE distilled = 0 AND dedup_key IN "
            f"(SELECT s.local_key FROM sync_events s JOIN sync_distilled d ON d.key = s.key "
            f"WHERE s.key IN ({marks}))",
            chunk,
        ).rowcount
    return changed


def page_map(db: Database) -> list[tuple[str, str, str]]:
    """(page key, entry id, hash the distiller last wrote) of every page it keeps."""
    rows = db.query(
        "SELECT d.key, d.entry_id, coalesce(w.content_hash, '') FROM distill_digests d "
        "LEFT JOIN distill_written w ON w.entry_id = d.entry_id ORDER BY d.key"
    )
    return [(row[0], row[1], row[2]) for row in rows]


def adopt_page_map(conn: sqlcipher3.Connection, pages: list[tuple[str, str, str]]) -> None:
    """Take over another device's pages: its keys and what it last wrote in each."""
    conn.executemany(
        "INSERT INTO distill_digests (key, entry_id) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET entry_id = excluded.entry_id",
        [(key, entry_id) for key, entry_id, _ in pages],
    )
    conn.executemany(
        "INSERT INTO distill_written (entry_id, content_hash) VALUES (?, ?) "
        "ON CONFLICT (entry_id) DO UPDATE SET content_hash = excluded.content_hash",
        [(entry_id, digest) for _, entry_id, digest in pages if digest],
    )


def drop_segment(conn: sqlcipher3.Connection, segment: str) -> list[tuple[str, str]]:
    """Forget what a segment of this device holds, so that it is sent again: its events
    count as unsent (and their marks as unmarked); its tombstones, returned as (key,
    kind), stay and are moved to the segment that replaces it (`move_tombstones`)."""
    conn.execute(
        "DELETE FROM sync_distilled WHERE key IN (SELECT key FROM sync_events WHERE segment = ?)",
        (segment,),
    )
    conn.execute("DELETE FROM sync_events WHERE segment = ?", (segment,))
    conn.execute("DELETE FROM sync_segments WHERE name = ?", (segment,))
    rows = conn.execute("SELECT key, kind FROM sync_tombstones WHERE segment = ?", (segment,))
    return [(row[0], row[1]) for row in rows.fetchall()]


def move_tombstones(conn: sqlcipher3.Connection, old: list[str], new: str) -> None:
    conn.executemany(
        "UPDATE sync_tombstones SET segment = ? WHERE segment = ?", [(new, name) for name in old]
    )

"""SQL for the capture daemon: per-file progress of file sources and the distiller backlog.

A file source records, in the same transaction as the events it inserts, which chunks of
a file it has captured (by content hash) and the file's size and mtime. After a restart an
unchanged file is not read again, and a changed one yields only its new chunks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlcipher3

from amber.store.db import Database


@dataclass(frozen=True)
class FileProgress:
    path: str
    mtime_ns: int
    size: int
    chunks: frozenset[str]  # content hashes of the chunks already captured


def file_marks(db: Database, source: str) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file the source has captured; chunk hashes stay on disk
    until a file changes, so a large folder costs little memory."""
    rows = db.query("SELECT path, mtime_ns, size FROM capture_files WHERE source = ?", (source,))
    return {r[0]: (r[1], r[2]) for r in rows}


def file_chunks(db: Database, source: str, path: str) -> frozenset[str]:
    row = db.one("SELECT chunks FROM capture_files WHERE source = ? AND path = ?", (source, path))
    return frozenset(json.loads(row[0])) if row else frozenset()


def save_file_progress(conn: sqlcipher3.Connection, source: str, progress: FileProgress) -> None:
    """Inside the caller's transaction, next to the events it inserts."""
    conn.execute(
        "INSERT INTO capture_files (source, path, mtime_ns, size, chunks) VALUES (?,?,?,?,?) "
        "ON CONFLICT (source, path) DO UPDATE SET mtime_ns = excluded.mtime_ns, "
        "size = excluded.size, chunks = excluded.chunks",
        (
            source,
            progress.path,
            progress.mtime_ns,
            progress.size,
            json.dumps(sorted(progress.chunks)),
        ),
    )


def forget_file_progress(conn: sqlcipher3.Connection, source: str, path: str) -> None:
    conn.execute("DELETE FROM capture_files WHERE source = ? AND path = ?", (source, path))


def undistilled_count(db: Database) -> int:
    """Events the distiller has not processed yet (its backlog)."""
    row = db.one("SELECT count(*) FROM events WHERE distilled = 0")
    return int(row[0]) if row else 0


def event_meta(db: Database, event_id: str) -> dict | None:
    """The JSON meta of one event (by id or ref); None when there is no such event."""
    row = db.one("SELECT meta FROM events WHERE id = ? OR ref = ?", (event_id, event_id))
    return json.loads(row[0]) if row else None


def source_checkpoint(db: Database, source: str) -> dict:
    """The saved reading position of a tailing source ({} when it never ran)."""
    row = db.one("SELECT state FROM source_checkpoints WHERE source = ?", (source,))
    return json.loads(row[0]) if row else {}


def save_source_checkpoint(conn: sqlcipher3.Connection, source: str, state: dict) -> None:
    conn.execute(
        "INSERT INTO source_checkpoints (source, state) VALUES (?, ?) "
        "ON CONFLICT (source) DO UPDATE SET state = excluded.state",
        (source, json.dumps(state, sort_keys=True)),
    )

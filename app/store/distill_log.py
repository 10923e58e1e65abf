"""SQL for the distiller's operation log: what each operation did, to which files, from
which events, and the prior file bytes that `amber undo` restores. Also the hashes of what
the distiller last wrote (to tell its own files from a person's) and the digest keys."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlcipher3

from amber.store.db import IN_CHUNK, Database

OP_COLUMNS = "id, run_id, ts, action, entry_id, title, path, detail, undone_at, purged"


@dataclass(frozen=True)
class FileChange:
    path: str
    before: bytes | None  # None: the file did not exist
    after_hash: str | None  # None: the operation removed the file


@dataclass
class OpRecord:
    id: str
    run_id: str
    ts: str
    action: str
    entry_id: str
    title: str
    path: str
    detail: dict[str, object]
    undone_at: str | None = None
    purged: bool = False
    files: list[FileChange] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _op(row: tuple) -> OpRecord:
    return OpRecord(*row[:7], json.loads(row[7]), row[8], bool(row[9]))


def record_op(
    conn: sqlcipher3.Connection, op: OpRecord, files: list[FileChange], events: list[str]
) -> None:
    conn.execute(
        f"INSERT INTO distill_ops ({OP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,NULL,0)",
        (op.id, op.run_id, op.ts, op.action, op.entry_id, op.title, op.path, json.dumps(op.detail)),
    )
    conn.executemany(
        "INSERT INTO distill_op_files (op_id, seq, path, before, after_hash) VALUES (?,?,?,?,?)",
        [(op.id, i, f.path, f.before, f.after_hash) for i, f in enumerate(files)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO distill_op_events (op_id, event_id) VALUES (?, ?)",
        [(op.id, event_id) for event_id in dict.fromkeys(events)],
    )


def recent_ops(db: Database, limit: int, run_id: str = "") -> list[OpRecord]:
    where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
    rows = db.query(
        f"SELECT {OP_COLUMNS} FROM distill_ops {where} ORDER BY rowid DESC LIMIT ?",
        [*params, limit],
    )
    ops = [_op(r) for r in rows]
    counts = _event_counts(db, [op.id for op in ops])
    for op in ops:
        op.detail.setdefault("events", counts.get(op.id, 0))
    return ops


def _event_counts(db: Database, op_ids: list[str]) -> dict[str, int]:
    sql = "SELECT op_id, count(*) FROM distill_op_events WHERE op_id IN (%s) GROUP BY op_id"
    return dict(db.query_in(sql, op_ids))


def op_ids_with_prefix(db: Database, prefix: str, limit: int = 5) -> list[str]:
    rows = db.query(
        "SELECT id FROM distill_ops WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
        (prefix, prefix + "\U0010ffff", limit),
    )
    return [r[0] for r in rows]


def load_op(db: Database, op_id: str) -> OpRecord | None:
    row = db.one(f"SELECT {OP_COLUMNS} FROM distill_ops WHERE id = ?", (op_id,))
    if row is None:
        return None
    op = _op(row)
    files = db.query(
        "SELECT path, before, after_hash FROM distill_op_files WHERE op_id = ? ORDER BY seq",
        (op_id,),
    )
    op.files = [FileChange(p, None if b is None else bytes(b), h) for p, b, h in files]
    events = db.query("SELECT event_id FROM distill_op_events WHERE op_id = ?", (op_id,))
    op.events = [r[0] for r in events]
    return op


def run_op_ids(db: Database, run_id: str) -> list[str]:
    """A run's operations that are still in effect, newest first."""
    rows = db.query(
        "SELECT id FROM distill_ops WHERE run_id = ? AND undone_at IS NULL ORDER BY rowid DESC",
        (run_id,),
    )
    return [r[0] for r in rows]


def run_paths(db: Database, run_id: str) -> list[str]:
    """Every file a run's operations wrote or removed."""
    rows = db.query(
        "SELECT DISTINCT f.path FROM distill_op_files f JOIN distill_ops o ON o.id = f.op_id "
        "WHERE o.run_id = ? ORDER BY f.path",
        (run_id,),
    )
    return [r[0] for r in rows]


def later_ops_touching(db: Database, op_id: str, paths: list[str]) -> list[str]:
    """Operations after `op_id`, still in effect, that changed any of these paths."""
    if len(paths) > IN_CHUNK:  # the order below must hold over every path at once
        raise ValueError("too many paths for one operation")
    rows = db.query_in(
        "SELECT DISTINCT o.id FROM distill_ops o JOIN distill_op_files f ON f.op_id = o.id "
        "WHERE f.path IN (%s) AND o.undone_at IS NULL AND o.rowid > "
        "(SELECT rowid FROM distill_ops WHERE id = ?) ORDER BY o.rowid",
        paths,
        after=[op_id],
    )
    return [r[0] for r in rows]


def mark_undone(conn: sqlcipher3.Connection, op_id: str, when: str) -> None:
    conn.execute("UPDATE distill_ops SET undone_at = ? WHERE id = ?", (when, op_id))


def purge_entry(conn: sqlcipher3.Connection, entry_id: str, path: str) -> None:
    """Forgetting an entry also drops every copy of its text kept for undo."""
    ops = conn.execute(
        "SELECT DISTINCT o.id FROM distill_ops o LEFT JOIN distill_op_files f ON f.op_id = o.id "
        "WHERE o.entry_id = ? OR f.path = ?",
        (entry_id, path),
    ).fetchall()
    for (op_id,) in ops:  # the path too: a file's name is made from the entry's title
        conn.execute(
            "UPDATE distill_op_files SET before = NULL, path = '' WHERE op_id = ?", (op_id,)
        )
        conn.execute(
            "UPDATE distill_ops SET purged = 1, title = '', path = '', detail = '{}' WHERE id = ?",
            (op_id,),
        )
    conn.execute("DELETE FROM distill_written WHERE entry_id = ?", (entry_id,))


# -- what the distiller wrote ----------------------------------------------------------------


def written_hashes(db: Database, entry_ids: list[str]) -> dict[str, str]:
    sql = "SELECT entry_id, content_hash FROM distill_written WHERE entry_id IN (%s)"
    return dict(db.query_in(sql, entry_ids))


def set_written(conn: sqlcipher3.Connection, entry_id: str, content_hash: str | None) -> None:
    _set(conn, "distill_written", "entry_id", entry_id, "content_hash", content_hash)


def digest_entry(db: Database, key: str) -> str | None:
    row = db.one("SELECT entry_id FROM distill_digests WHERE key = ?", (key,))
    return row[0] if row else None


def digest_key_of(db: Database, entry_id: str) -> str | None:
    """The digest an entry is, if it is one (its conversation or day)."""
    row = db.one("SELECT key FROM distill_digests WHERE entry_id = ?", (entry_id,))
    return row[0] if row else None


def digest_keys(db: Database, prefix: str) -> list[str]:
    """Keys of pages that have an entry, starting with `prefix`."""
    rows = db.query(
        "SELECT key FROM distill_digests WHERE key >= ? AND key < ? AND entry_id IS NOT NULL "
        "ORDER BY key",
        (prefix, prefix + "\U0010ffff"),
    )
    return [row[0] for row in rows]


def set_digest(conn: sqlcipher3.Connection, key: str, entry_id: str | None) -> None:
    _set(conn, "distill_digests", "key", key, "entry_id", entry_id)


def _set(
    conn: sqlcipher3.Connection,
    table: str,
    key_column: str,
    key: str,
    column: str,
    value: str | None,
) -> None:
    """One row of a key-value table: set to `value`, or removed for None."""
    if value is None:
        conn.execute(f"DELETE FROM {table} WHERE {key_column} = ?", (key,))
        return
    conn.execute(
        f"INSERT INTO {table} ({key_column}, {column}) VALUES (?, ?) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET {column} = excluded.{column}",
        (key, value),
    )

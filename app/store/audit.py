"""The audit log: which interface wrote what, and when. Forgetting records that something
was forgotten, never what it said."""

from __future__ import annotations

import json

import sqlcipher3

from amber.clock import now
from amber.store.db import Database

INTERFACES = ("cli", "mcp", "daemon", "editor", "tui", "distiller", "test")


def record(
    conn: sqlcipher3.Connection,
    interface: str,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
) -> int:
    """Add a record (caller's transaction); returns its rowid."""
    cur = conn.execute(
        "INSERT INTO audit (ts, interface, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (now().isoformat(), interface, action, target, json.dumps(detail or {})),
    )
    return int(cur.lastrowid)


def set_detail(conn: sqlcipher3.Connection, rowid: int, detail: dict[str, object]) -> None:
    """Bring a record written earlier in the same job up to date (an import's counts)."""
    conn.execute("UPDATE audit SET detail = ? WHERE rowid = ?", (json.dumps(detail), rowid))


def scrub(conn: sqlcipher3.Connection, target: str) -> None:
    """Forgetting: the records about `target` keep who did what and when, but no longer
    where (a path is made from a title, so it says what the memory was about)."""
    conn.execute(
        "UPDATE audit SET detail = json_remove(detail, '$.path', '$.from', '$.to', "
        "'$.archived_to') WHERE target = ?",
        (target,),
    )


def last_rowid(db: Database) -> int:
    """The newest record: it changes whenever any interface writes memory."""
    row = db.one("SELECT max(rowid) FROM audit")
    return int(row[0]) if row and row[0] is not None else 0


def recent(db: Database, limit: int = 50) -> list[dict[str, object]]:
    rows = db.query(
        "SELECT ts, interface, action, target, detail FROM audit ORDER BY rowid DESC LIMIT ?",
        (limit,),
    )
    return [
        {"ts": ts, "interface": i, "action": a, "target": t, "detail": json.loads(d)}
        for ts, i, a, t, d in rows
    ]

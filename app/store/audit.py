"""The audit log: which interface wrote what, and when. Forgetting records that something
was forgotten, never what it said."""

from __future__ import annotations

import json

import sqlcipher3

from amber.clock import iso, now
from amber.store.db import Database

INTERFACES = ("cli", "mcp", "daemon", "editor", "tui", "distiller", "test")


def record(
    conn: sqlcipher3.Connection,
    interface: str,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
) -> None:
    conn.execute(
        "INSERT INTO audit (ts, interface, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (iso(now()), interface, action, target, json.dumps(detail or {})),
    )


def recent(db: Database, limit: int = 50) -> list[dict[str, object]]:
    rows = db.query(
        "SELECT ts, interface, action, target, detail FROM audit ORDER BY rowid DESC LIMIT ?",
        (limit,),
    )
    return [
        {"ts": ts, "interface": i, "action": a, "target": t, "detail": json.loads(d)}
        for ts, i, a, t, d in rows
    ]

"""Recent events for the TUI's timeline, newest first, and what tells that memory changed."""

from __future__ import annotations

from amber.events import Event
from amber.store.db import Database
from amber.store.events import EVENT_COLUMNS


def recent_events(db: Database, source: str = "", limit: int = 200) -> list[Event]:
    """Events by when they happened (the `events_ts` index), undated ones last."""
    where = "WHERE source = ? " if source else ""
    params: list[object] = [source] if source else []
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events {where}ORDER BY ts DESC, rowid DESC LIMIT ?",
        [*params, limit],
    )
    return [Event(*row) for row in rows]


def memory_version(db: Database) -> tuple[int, int]:
    """(newest audit row, newest event row): every write to memory moves one of them."""
    row = db.one("SELECT (SELECT max(rowid) FROM audit), (SELECT max(rowid) FROM events)")
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)

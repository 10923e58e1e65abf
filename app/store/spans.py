"""SQL for snapshots of a view (amber/snapshots.py): the latest events of a thread, and a
merged frame's span written into its event's meta."""

from __future__ import annotations

import sqlcipher3


def latest_in_thread(
    conn: sqlcipher3.Connection, source: str, conversation: str, limit: int
) -> list[tuple[int, str, str]]:
    """(rowid, text, meta) of the thread's newest events, newest first (by the
    `events_conversation` index, so a year of frames costs no scan)."""
    return conn.execute(
        "SELECT rowid, text, meta FROM events WHERE source = ? AND conversation = ? "
        "ORDER BY rowid DESC LIMIT ?",
        (source, conversation, limit),
    ).fetchall()


def set_meta(conn: sqlcipher3.Connection, rowid: int, meta_json: str) -> None:
    conn.execute("UPDATE events SET meta = ? WHERE rowid = ?", (meta_json, rowid))

"""SQL for what a chat model made of the statements the distiller sent it
(amber/distill/rewriting.py): one row per message and zero-LLM line, read back whenever a
page is rebuilt, so the model is asked once per line and a page reads the same on every
rebuild. Forgetting a message deletes its rows (amber/store/forget.py)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from amber.store.db import IN_CHUNK, Database, marks

# What became of a line: rewritten (the model's sentence is used), kept (the model gave it
# back as it was), dropped (it tells nothing), rejected (the model's sentence failed
# validation) and failed (no answer): the last two keep the zero-LLM line.
OUTCOMES = ("rewritten", "kept", "dropped", "rejected", "failed")


@dataclass(frozen=True)
class Rewrite:
    event_id: str
    line_hash: str
    outcome: str
    text: str = ""  # the model's sentence; "" unless rewritten
    model: str = ""


def any_rows(db: Database) -> bool:
    """Whether a model ever rewrote anything here (else pages need not look)."""
    return db.one("SELECT 1 FROM distill_rewrites LIMIT 1") is not None


def of_event(db: Database, event_id: str) -> dict[str, Rewrite]:
    """The rewrites of one message's lines, by line hash."""
    rows = db.query(
        "SELECT event_id, line_hash, outcome, text, model FROM distill_rewrites WHERE event_id = ?",
        (event_id,),
    )
    return {row[1]: Rewrite(*row) for row in rows}


def known(db: Database, event_ids: list[str]) -> set[tuple[str, str]]:
    """(event id, line hash) of every line of these messages a model answered already."""
    rows = db.query_in(
        "SELECT event_id, line_hash FROM distill_rewrites WHERE event_id IN (%s)", event_ids
    )
    return {(row[0], row[1]) for row in rows}


def save(conn: sqlcipher3.Connection, rewrites: list[Rewrite]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO distill_rewrites (event_id, line_hash, outcome, text, model) "
        "VALUES (?, ?, ?, ?, ?)",
        [(r.event_id, r.line_hash, r.outcome, r.text, r.model) for r in rewrites],
    )


def delete_for_events(conn: sqlcipher3.Connection, event_ids: list[str]) -> None:
    for start in range(0, len(event_ids), IN_CHUNK):
        chunk = event_ids[start : start + IN_CHUNK]
        conn.execute(f"DELETE FROM distill_rewrites WHERE event_id IN ({marks(chunk)})", chunk)

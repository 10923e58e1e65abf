"""SQL for retention (amber/retention.py): which old events of a source may go, and which
events the tree cites."""

from __future__ import annotations

from dataclasses import dataclass

from amber.store.db import Database
from amber.store.forget import FoundEvent

_WHEN = "coalesce(ts, captured_at)"


@dataclass(frozen=True)
class Candidate:
    event: FoundEvent
    distilled: bool
    next_handles: tuple[str, ...]  # id and ref of the message said right after it


def cited_handles(db: Database) -> set[str]:
    """Every event id or ref that an entry names (its `sources`, footnotes included)."""
    rows = db.query("SELECT DISTINCT s.value FROM entries e, json_each(e.sources) s")
    return {str(row[0]) for row in rows}


def candidates(db: Database, source: str, before: str, limit: int) -> list[Candidate]:
    """The oldest events of `source` from before `before` (at most `limit`), each with the
    message after it in its conversation: a page may quote an event as the question its
    reply answers (amber/distill/statements.py), so that reply's citation keeps it too."""
    rows = db.query(
        f"""
        WITH thread AS (
            SELECT rowid, id, ref, source, conversation, ts, captured_at, distilled,
                   substr(text, 1, 200) AS preview, meta,
                   CASE WHEN conversation = '' THEN NULL ELSE lead(id) OVER w END AS next_id,
                   CASE WHEN conversation = '' THEN NULL ELSE lead(ref) OVER w END AS next_ref
            FROM events WHERE source = ?
            WINDOW w AS (PARTITION BY conversation ORDER BY {_WHEN}, rowid)
        )
        SELECT rowid, id, ref, source, conversation, ts, preview,
               coalesce(json_extract(meta, '$.image'), ''),
               coalesce(json_extract(meta, '$.merged_images'), '[]'),
               distilled, coalesce(next_id, ''), coalesce(next_ref, '')
        FROM thread WHERE {_WHEN} < ? ORDER BY {_WHEN}, rowid LIMIT ?
        """,
        (source, before, limit),
    )
    return [
        Candidate(FoundEvent(*row[:9]), bool(row[9]), tuple(h for h in row[10:12] if h))
        for row in rows
    ]

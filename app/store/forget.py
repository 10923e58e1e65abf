"""SQL for forgetting events: finding them by what a person can name, and removing every
trace the index holds of them.

Removing an event deletes its row, its full-text row (FTS5 secure-delete overwrites the
tokens), its vectors, the undo copies of distiller operations that used it, review
proposals that quote it and the sentences a chat model rewrote from it; the full-text
`context` column of the messages after it in its conversation (which holds the start of
the messages before them) is rebuilt without it.
`secure_delete` zeroes freed pages; the caller truncates the WAL afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlcipher3

from amber.ids import prefix_bounds
from amber.store import fulltext, rewrites, vectors
from amber.store.db import Database, marks
from amber.store.events import reindex_followers

_COLUMNS = (
    "rowid, id, ref, source, conversation, ts, substr(text, 1, 200), "
    "coalesce(json_extract(meta, '$.image'), ''), "
    "coalesce(json_extract(meta, '$.merged_images'), '[]')"
)


@dataclass(frozen=True)
class FoundEvent:
    rowid: int
    id: str
    ref: str
    source: str
    conversation: str
    timestamp: str | None
    preview: str  # the start of its text, to show before anything is deleted
    image: str = ""  # a kept screenshot of it (a name in the screens folder), if any
    merged_images: str = "[]"  # JSON: screenshots of frames merged into it (amber/snapshots.py)

    @property
    def images(self) -> list[str]:
        """Every kept screenshot of it: its own and those of the frames merged into it."""
        try:
            merged = json.loads(self.merged_images)
        except ValueError:
            merged = []
        listed = (
            [name for name in merged if isinstance(name, str)] if isinstance(merged, list) else []
        )
        return [name for name in (self.image, *listed) if name]


@dataclass(frozen=True)
class Selection:
    """Which events: any of these that is given narrows the choice (all must hold)."""

    handle: str = ""  # an event id, an id prefix (6+ characters) or a ref
    conversation: str = ""
    source: str = ""
    since: str = ""  # ISO times, the end excluded
    until: str = ""
    match: str = ""  # text the event holds (case-insensitive)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


def find(db: Database, selection: Selection, limit: int = 1_000_000) -> list[FoundEvent]:
    if selection.empty:
        return []
    where, params = _where(selection)
    rows = db.query(
        f"SELECT {_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY rowid LIMIT ?",
        [*params, limit],
    )
    return [FoundEvent(*row) for row in rows]


def replies_to(db: Database, found: list[FoundEvent]) -> list[str]:
    """Ids and refs of the messages said right after these in their conversations: a page
    may quote a forgotten question as what its answer was asked (amber/distill/statements.py)."""
    replies: list[str] = []
    for event in found:
        if not event.conversation:
            continue
        row = db.one(
            "SELECT id, ref FROM events WHERE source = ? AND conversation = ? AND "
            "(coalesce(ts, captured_at), rowid) > "
            "(SELECT coalesce(ts, captured_at), rowid FROM events WHERE rowid = ?) "
            "ORDER BY coalesce(ts, captured_at), rowid LIMIT 1",
            (event.source, event.conversation, event.rowid),
        )
        if row is not None:
            replies += [handle for handle in row if handle]
    return replies


def _where(selection: Selection) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    if selection.handle:
        low, high = prefix_bounds(selection.handle.upper())
        where.append("(id = ? OR ref = ? OR (length(?) >= 6 AND id >= ? AND id < ?))")
        params += [selection.handle, selection.handle, selection.handle, low, high]
    for column in ("conversation", "source"):
        if value := getattr(selection, column):
            where.append(f"{column} = ?")
            params.append(value)
    if selection.since:
        where.append("coalesce(ts, captured_at) >= ?")
        params.append(selection.since)
    if selection.until:
        where.append("coalesce(ts, captured_at) < ?")
        params.append(selection.until)
    if selection.match:
        where.append("(instr(lower(text), lower(?)) > 0 OR instr(lower(title), lower(?)) > 0)")
        params += [selection.match, selection.match]
    return where, params


def entries_holding(db: Database, text: str) -> list[tuple[str, str]]:
    """(entry id, path) of every entry whose title or text holds `text` (any case)."""
    if not text:
        return []
    rows = db.query(
        "SELECT id, path FROM entries WHERE instr(lower(body), lower(?)) > 0 "
        "OR instr(lower(title), lower(?)) > 0 ORDER BY path",
        (text, text),
    )
    return [(row[0], row[1]) for row in rows]


def citing_entries(db: Database, handles: list[str]) -> list[tuple[str, str]]:
    """(entry id, path) of every entry whose `sources` name one of these events."""
    rows = db.query_in(
        "SELECT DISTINCT e.id, e.path FROM entries e, json_each(e.sources) s "
        "WHERE s.value IN (%s) ORDER BY e.path",
        handles,
    )
    return [(row[0], row[1]) for row in rows]


def delete(
    conn: sqlcipher3.Connection, found: list[FoundEvent], why: dict[str, str] | None = None
) -> None:
    """Remove the events and every trace of them (see the module docstring). `why` is kept
    in the log of the operations that used them, for `amber undo` to say (a retention
    prune, not a person's forgetting)."""
    rowids = [event.rowid for event in found]
    ids = [event.id for event in found]
    threads: dict[tuple[str, str], list[int]] = {}
    for event in found:
        if event.conversation:
            threads.setdefault((event.source, event.conversation), []).append(event.rowid)
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        fulltext.delete(conn, chunk)
        conn.execute(f"DELETE FROM events WHERE rowid IN ({marks(chunk)})", chunk)
        for rowid in chunk:
            vectors.delete_doc(conn, rowid)
    _purge_derived(conn, ids, json.dumps(why or {}))
    for (source, conversation), deleted in sorted(threads.items()):
        reindex_followers(conn, source, conversation, deleted)


def _purge_derived(conn: sqlcipher3.Connection, event_ids: list[str], why: str = "{}") -> None:
    """Undo copies of operations that used the events (an entry's earlier text may quote
    them), review proposals that quote them, and what a chat model wrote from them."""
    rewrites.delete_for_events(conn, event_ids)
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start : start + 500]
        ops = conn.execute(
            f"SELECT DISTINCT op_id FROM distill_op_events WHERE event_id IN ({marks(chunk)})",
            chunk,
        ).fetchall()
        for (op_id,) in ops:
            conn.execute("UPDATE distill_op_files SET before = NULL WHERE op_id = ?", (op_id,))
            conn.execute(
                "UPDATE distill_ops SET purged = 1, title = '', detail = ? WHERE id = ?",
                (why, op_id),
            )
        conn.execute(f"DELETE FROM distill_op_events WHERE event_id IN ({marks(chunk)})", chunk)
    forgotten = set(event_ids)
    for rowid, proposal in conn.execute("SELECT rowid, proposal FROM review_items").fetchall():
        if _cited(json.loads(proposal)) & forgotten:
            conn.execute("DELETE FROM review_items WHERE rowid = ?", (rowid,))


def _cited(proposal: dict) -> set[str]:
    candidate = proposal.get("candidate") or {}
    statements = candidate.get("statements") or [] if isinstance(candidate, dict) else []
    return {
        str(evidence.get("event"))
        for statement in statements
        for evidence in statement.get("evidence") or []
        if isinstance(evidence, dict)
    }

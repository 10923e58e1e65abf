"""Stored embeddings: float32 vectors (sqlite-vec layout) and their binary codes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from amber.events import is_machine_author
from amber.store.db import Database, marks

GENERATION = "generation"  # bumped on every delete, so in-memory caches know to reload
# What text goes into a document's vectors; vectors made by another recipe are redone.
RECIPE = "text-and-sentences-1"


@dataclass(frozen=True)
class PendingDoc:
    key: int  # search rowid: > 0 event, < 0 entry
    text: str
    content_hash: str


def settings(db: Database) -> dict[str, str]:
    return dict(db.query("SELECT key, value FROM vector_settings"))


def reset(conn: sqlcipher3.Connection, model: str, dims: int) -> None:
    """Forget every vector (a new embedding model means new vector spaces)."""
    conn.execute("DELETE FROM embedding_codes")
    conn.execute("DELETE FROM embeddings")
    for key, value in (("model", model), ("dims", str(dims)), ("recipe", RECIPE)):
        conn.execute("INSERT OR REPLACE INTO vector_settings VALUES (?, ?)", (key, value))
    _bump(conn)
    refill_queue(conn)


# Vectors are spent on what people said and wrote. A machine's side of a conversation (an
# assistant's answer, a tool's output) is most of an agent session's or a chat's words, and
# embedding it costs hours of CPU a week on a laptop; it is found by its words, and ranking
# counts it for less anyway (retrieval/signals.py).
#
# Events that want vectors wait in `vector_queue`, filled as they are stored
# (store/events.py): finding the next batch reads the queue's newest rows, not every event
# (that scan took about 1 s a batch at 100k events). Newest first, because a backlog (a
# new embed model, months of capture) is worked off while idle and recent memories are the
# ones asked about most. An event's text never changes once stored, so a queued event
# stays right until it is embedded or forgotten.
def wants_vectors(author: str) -> bool:
    return not is_machine_author(author)


def queue_event(conn: sqlcipher3.Connection, rowid: int, author: str) -> None:
    if wants_vectors(author):
        conn.execute("INSERT OR IGNORE INTO vector_queue VALUES (?)", (rowid,))


def refill_queue(conn: sqlcipher3.Connection) -> None:
    """Queue every event that wants vectors and has none (after a reset, or an upgrade)."""
    conn.execute("DELETE FROM vector_queue")
    rows = conn.execute(
        "SELECT v.rowid, v.author FROM events v WHERE NOT EXISTS (SELECT 1 FROM embeddings m "
        "WHERE m.doc_key = v.rowid AND m.chunk = 0 AND m.content_hash = v.content_hash)"
    )
    conn.executemany(
        "INSERT INTO vector_queue VALUES (?)",
        ((rowid,) for rowid, author in rows.fetchall() if wants_vectors(author)),
    )


def _bump(conn: sqlcipher3.Connection) -> None:
    conn.execute(
        "INSERT INTO vector_settings VALUES (?, '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (GENERATION,),
    )


def delete_doc(conn: sqlcipher3.Connection, key: int) -> None:
    if key > 0:
        conn.execute("DELETE FROM vector_queue WHERE doc_key = ?", (key,))
    ids = [r[0] for r in conn.execute("SELECT chunk_id FROM embeddings WHERE doc_key = ?", (key,))]
    if ids:
        placeholders = marks(ids)
        conn.execute(f"DELETE FROM embedding_codes WHERE chunk_id IN ({placeholders})", ids)
        conn.execute(f"DELETE FROM embeddings WHERE chunk_id IN ({placeholders})", ids)
        _bump(conn)


def delete_all_entries(conn: sqlcipher3.Connection) -> None:
    """Entry vectors, when a rebuild gives entries new keys (event keys never change)."""
    conn.execute(
        "DELETE FROM embedding_codes WHERE chunk_id IN "
        "(SELECT chunk_id FROM embeddings WHERE doc_key < 0)"
    )
    conn.execute("DELETE FROM embeddings WHERE doc_key < 0")
    _bump(conn)


def store_doc(conn: sqlcipher3.Connection, doc: PendingDoc, vectors: list[bytes]) -> None:
    delete_doc(conn, doc.key)
    for chunk, vector in enumerate(vectors):
        cur = conn.execute(
            "INSERT INTO embeddings (doc_key, chunk, content_hash, vector) VALUES (?, ?, ?, ?)",
            (doc.key, chunk, doc.content_hash, vector),
        )
        conn.execute(
            "INSERT INTO embedding_codes VALUES (?, vec_quantize_binary(?))",
            (cur.lastrowid, vector),
        )


_PENDING_ENTRIES = """
    SELECT -e.rowid, e.title || char(10) || e.body, e.content_hash FROM entries e
    WHERE NOT EXISTS (SELECT 1 FROM embeddings m
                      WHERE m.doc_key = -e.rowid AND m.chunk = 0
                      AND m.content_hash = e.content_hash)
"""
# A message is embedded alone, without its speaker's name or the messages around it: the
# speaker is matched from metadata (see retrieval.recall), and the lexical channel and
# neighbouring-message scores carry the context. With names and context in the vectors,
# they pulled every message of a speaker, or of a whole exchange, together.
_PENDING_EVENTS = """
    SELECT v.rowid, v.text, v.content_hash FROM vector_queue q
    JOIN events v ON v.rowid = q.doc_key ORDER BY q.doc_key DESC
"""


def pending(db: Database, limit: int, events: bool = True) -> list[PendingDoc]:
    """Documents whose current content has no vectors yet: entries, then (unless `events`
    is False) queued events, newest first."""
    rows = db.query(f"{_PENDING_ENTRIES} LIMIT ?", (limit,))
    if events and len(rows) < limit:
        rows += db.query(f"{_PENDING_EVENTS} LIMIT ?", (limit - len(rows),))
    return [PendingDoc(*r) for r in rows]


def pending_count(db: Database, events: bool = True) -> int:
    entries = db.one(f"SELECT count(*) FROM ({_PENDING_ENTRIES})")
    queued = db.one("SELECT count(*) FROM vector_queue") if events else None
    return sum(int(row[0]) for row in (entries, queued) if row)


def waiting(db: Database, keys: list[int]) -> set[int]:
    """Of these documents, those that want vectors and have none yet: queued events, and
    entries without vectors (new or edited, before the watcher or `amber embed` ran)."""
    events = [k for k in keys if k > 0]
    entries = [k for k in keys if k < 0]
    found = {
        r[0] for r in db.query_in("SELECT doc_key FROM vector_queue WHERE doc_key IN (%s)", events)
    }
    return found | (set(entries) - _embedded(db, entries))


def without_vectors(db: Database, keys: list[int]) -> set[int]:
    """Of these documents, those with no vectors at all: waiting ones, and a machine's
    messages, which are never embedded."""
    return set(keys) - _embedded(db, keys)


def _embedded(db: Database, keys: list[int]) -> set[int]:
    rows = db.query_in("SELECT doc_key FROM embeddings WHERE chunk = 0 AND doc_key IN (%s)", keys)
    return {r[0] for r in rows}


def cache_state(db: Database) -> tuple[int, str]:
    """(highest chunk id, generation): what an in-memory code cache must match."""
    top = db.one("SELECT max(chunk_id) FROM embedding_codes")
    gen = db.one("SELECT value FROM vector_settings WHERE key = ?", (GENERATION,))
    return (int(top[0]) if top and top[0] is not None else 0), (gen[0] if gen else "0")


def codes_after(db: Database, chunk_id: int) -> list[tuple[int, bytes]]:
    return db.query(
        "SELECT chunk_id, code FROM embedding_codes WHERE chunk_id > ? ORDER BY chunk_id",
        (chunk_id,),
    )


def rescore(db: Database, chunk_ids: list[int], query: bytes) -> list[tuple[int, float]]:
    """(doc_key, cosine distance) for candidate chunks, computed by sqlite-vec."""
    return db.query_in(
        "SELECT doc_key, vec_distance_cosine(vector, ?) FROM embeddings WHERE chunk_id IN (%s)",
        chunk_ids,
        before=[query],
    )


def closest_chunks(db: Database, keys: list[int], query: bytes) -> list[tuple[int, float]]:
    """(doc_key, cosine distance of its closest chunk) for documents that have vectors."""
    return db.query_in(
        "SELECT doc_key, min(vec_distance_cosine(vector, ?)) FROM embeddings "
        "WHERE doc_key IN (%s) GROUP BY doc_key",
        keys,
        before=[query],
    )


def embedded_count(db: Database) -> int:
    row = db.one("SELECT count(DISTINCT doc_key) FROM embeddings")
    return int(row[0]) if row else 0

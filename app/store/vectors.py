"""Stored embeddings: float32 vectors (sqlite-vec layout) and their binary codes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from amber.events import AGENT_PREFIX, MACHINE_ROLES
from amber.store.db import Database, marks

GENERATION = "generation"  # bumped on every delete, so in-memory caches know to reload
# What text goes into a document's vectors; vectors made by another recipe are redone.
RECIPE = "text-only-1"


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


def _bump(conn: sqlcipher3.Connection) -> None:
    conn.execute(
        "INSERT INTO vector_settings VALUES (?, '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (GENERATION,),
    )


def delete_doc(conn: sqlcipher3.Connection, key: int) -> None:
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
# Vectors are spent on what people said and wrote. A machine's side of a conversation (an
# assistant's answer, a tool's output) is most of an agent session's or a chat's words, and
# embedding it costs hours of CPU a week on a laptop; it is found by its words, and ranking
# counts it for less anyway (retrieval/signals.py).
_MACHINE = ", ".join(f"'{role}'" for role in sorted(MACHINE_ROLES))
_PENDING_EVENTS = f"""
    SELECT v.rowid, v.text, v.content_hash FROM events v
    WHERE lower(trim(v.author)) NOT IN ({_MACHINE})
    AND lower(trim(v.author)) NOT LIKE '{AGENT_PREFIX}%'
    AND NOT EXISTS (SELECT 1 FROM embeddings m
                    WHERE m.doc_key = v.rowid AND m.chunk = 0
                    AND m.content_hash = v.content_hash)
"""


def pending(db: Database, limit: int) -> list[PendingDoc]:
    """Documents whose current content has no vectors yet (new or changed)."""
    rows = db.query(f"{_PENDING_ENTRIES} LIMIT ?", (limit,))
    if len(rows) < limit:
        rows += db.query(f"{_PENDING_EVENTS} LIMIT ?", (limit - len(rows),))
    return [PendingDoc(*r) for r in rows]


def pending_count(db: Database) -> int:
    total = 0
    for sql in (_PENDING_ENTRIES, _PENDING_EVENTS):
        row = db.one(f"SELECT count(*) FROM ({sql})")
        total += int(row[0]) if row else 0
    return total


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

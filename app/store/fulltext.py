"""The full-text rows of a document: the `search` table, and beside it `search_cjk` for text
in scripts written without spaces (app/cjk.py says why and how it is tokenized).

Only documents holding such text get a `search_cjk` row, so a memory in Latin script pays
nothing for it: the same rows, the same ranking, one regex scan per text written.
Keys are the same in both tables: > 0 events, < 0 entries (app/store/search.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from typing import NamedTuple

import sqlcipher3

from amber.cjk import has_unspaced, index_text
from amber.store.db import Database, marks
from amber.store.search import SearchFilter

UNSPACED = "search_cjk"
UNSPACED_CONTEXT_CHARS = 40  # of each earlier message in a row's context
# The same columns and weights as `search` (app/store/migrations.py), so one SearchFilter
# reads both. Marks (Thai vowels, kana voicing) are token characters here: the default
# categories would cut a character pair in two at them.
UNSPACED_TABLE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {UNSPACED} USING fts5(
        title, body, context, scope,
        path UNINDEXED, kind UNINDEXED, source UNINDEXED, ts UNINDEXED,
        tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* Co'"
    );
    INSERT INTO {UNSPACED} ({UNSPACED}, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.3, 0.0)');
    INSERT INTO {UNSPACED} ({UNSPACED}, rank) VALUES ('secure-delete', 1)
"""
_INSERT = "INSERT INTO {} (rowid, title, body, context, scope, path, kind, source, ts) VALUES "
_INSERT_SPACED = _INSERT.format("search") + "(?,?,?,?,?,?,?,?,?)"
_INSERT_UNSPACED = _INSERT.format(UNSPACED) + "(?,?,?,?,?,?,?,?,?)"


class TextRow(NamedTuple):
    """What a document gives the full-text index, in the tables' column order. A named
    tuple, not a dataclass: one is made per message imported, and costs a fifth as much."""

    key: int
    title: str
    body: str
    context: str
    scope: str
    path: str
    kind: str
    source: str
    ts: str | None


def insert(conn: sqlcipher3.Connection, row: TextRow, *, spaced: bool = True) -> None:
    """Index one document; `spaced=False` writes only its bigram row (a migration filling
    the table for text indexed before it existed)."""
    if spaced:
        conn.execute(_INSERT_SPACED, row)
    if has_unspaced(row.title) or has_unspaced(row.body) or has_unspaced(row.context):
        pairs = (index_text(row.title), index_text(row.body), index_text(_clipped(row.context)))
        if any(pairs):  # not when the text held only these scripts' punctuation
            conn.execute(_INSERT_UNSPACED, (row.key, *pairs, *row[4:]))


def _clipped(context: str) -> str:
    """The start of each message before this one (app/store/events.py clips them by words,
    which a sentence without spaces is one of). Context is a low-weight hint, and as pairs
    it is costly: measured with scripts/bench_cjk.py, whole messages made this table 2.5
    times its size without context, their first 40 characters 1.9 times."""
    return "\n".join(line[:UNSPACED_CONTEXT_CHARS] for line in context.split("\n"))


def delete(conn: sqlcipher3.Connection, keys: Sequence[int]) -> None:
    """Remove documents from both tables (a key without a bigram row costs one lookup)."""
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        for table in ("search", UNSPACED):
            conn.execute(f"DELETE FROM {table} WHERE rowid IN ({marks(chunk)})", chunk)


def clear(conn: sqlcipher3.Connection) -> None:
    for table in ("search", UNSPACED):
        conn.execute(f"DELETE FROM {table}")


def create_unspaced(conn: sqlcipher3.Connection, *, again: bool = False) -> bool:
    """Create the bigram table if it is missing (`again`: empty and new in any case); True
    when it was created now."""
    if again:
        conn.execute(f"DROP TABLE IF EXISTS {UNSPACED}")
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (UNSPACED,)).fetchone()
    if exists:
        return False
    for statement in UNSPACED_TABLE.split(";\n"):
        conn.execute(statement)
    return True


def unspaced_ranked(
    db: Database, match: str, flt: SearchFilter, limit: int
) -> list[tuple[int, float]]:
    """(key, BM25) best first from the bigram table, filtered like the main table's search."""
    where, params = flt.sql(archive=False, scoped=True)
    rows = db.query(
        f"SELECT rowid, rank FROM {UNSPACED} WHERE {UNSPACED} MATCH ?{where} ORDER BY rank LIMIT ?",
        [flt.scoped(match), *params, limit],
    )
    return [(key, -rank) for key, rank in rows]


def unspaced_newest(db: Database, match: str, flt: SearchFilter, limit: int) -> list[int]:
    """Matches of the bigram table without ranking them, newest first: events by rowid
    descending and entries from the newest down, taken in turn (FTS5 walks rowids in order
    and stops at the limit)."""
    where, params = flt.sql(archive=False, scoped=True)
    base = f"SELECT rowid FROM {UNSPACED} WHERE {UNSPACED} MATCH ?{where}"
    args = [flt.scoped(match), *params, limit]
    events = db.query(f"{base} AND rowid > 0 ORDER BY rowid DESC LIMIT ?", args)
    entries = db.query(f"{base} AND rowid < 0 ORDER BY rowid ASC LIMIT ?", args)
    taken = [row for pair in zip_longest(events, entries) for row in pair if row is not None]
    return [row[0] for row in taken][:limit]


def unspaced_count(db: Database, match: str, cap: int) -> int:
    """Documents of the bigram table matching an expression, counted up to cap + 1."""
    row = db.one(
        f"SELECT count(*) FROM (SELECT 1 FROM {UNSPACED} WHERE {UNSPACED} MATCH ? LIMIT ?)",
        (match, cap + 1),
    )
    return int(row[0]) if row else 0

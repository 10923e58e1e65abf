"""Index rows derived from tree files: entries, their names, and their full-text rows."""

from __future__ import annotations

import json
from typing import NamedTuple

import sqlcipher3

from amber.ids import prefix_bounds
from amber.store import fulltext, scope, vectors
from amber.store.db import UNDER_FOLDER, Database, marks, under_folder
from amber.text import one_line
from amber.tree.entry import Entry
from amber.tree.layout import ARCHIVE
from amber.tree.sources import source_kind

ENTRY_COLUMNS = (
    "id, path, title, kind, tags, aliases, links, sources, supersedes, superseded_by, "
    "created, updated, valid_from, body, content_hash, mtime_ns, size, problem, rowid"
)


class EntryRow(NamedTuple):
    """One indexed entry, as `SELECT {ENTRY_COLUMNS}` reads it. List fields hold JSON text;
    the methods decode them (recall reads many rows and needs few of them decoded)."""

    id: str
    path: str
    title: str
    kind: str
    tags_json: str
    aliases_json: str
    links_json: str
    sources_json: str
    supersedes_json: str
    superseded_by_json: str
    created: str | None
    updated: str | None
    valid_from: str | None
    body: str
    content_hash: str
    mtime_ns: int
    size: int
    problem: str | None
    rowid: int

    def links(self) -> list[str]:
        return json.loads(self.links_json)

    def sources(self) -> list[str]:
        return json.loads(self.sources_json)

    def superseded_by(self) -> list[str]:
        return json.loads(self.superseded_by_json)

    @property
    def archived(self) -> bool:
        return self.path.startswith(ARCHIVE + "/")

    @property
    def when(self) -> str | None:
        """The time recall ranks it by: when it became true, else when it last changed."""
        return self.valid_from or self.updated or self.created


class Lifecycle(NamedTuple):
    importance: float = 0.5
    access_count: int = 0
    last_access: str | None = None
    maturity: str = "draft"


class SkippedFile(NamedTuple):
    """A tree file the index holds no entry for, and why."""

    reason: str
    mtime_ns: int
    size: int


class IndexedFile(NamedTuple):
    entry_id: str
    path: str
    content_hash: str
    mtime_ns: int
    size: int


def name_key(text: str) -> str:
    """Titles and aliases are matched case- and space-insensitively."""
    return one_line(text.casefold())


def upsert_entry(
    conn: sqlcipher3.Connection,
    entry: Entry,
    content_hash: str,
    mtime_ns: int,
    size: int,
    source_kinds: str,
) -> None:
    """Insert or update the entry's index row, names and FTS row (caller's transaction).

    An entry keeps its rowid across edits and moves: the rowid is its key in the full-text
    and vector indexes, so an edit does not orphan its vectors.
    """
    rowid = _claim_rowid(conn, entry)
    values = (
        entry.id,
        entry.path,
        entry.title,
        entry.kind,
        json.dumps(entry.tags),
        json.dumps(entry.aliases),
        json.dumps(entry.links),
        json.dumps(entry.provenance),
        json.dumps(entry.supersedes),
        json.dumps(entry.superseded_by),
        entry.created,
        entry.updated,
        entry.valid_from,
        entry.body,
        content_hash,
        mtime_ns,
        size,
        entry.problem,
    )
    columns = ENTRY_COLUMNS.removesuffix(", rowid")
    if rowid is None:
        placeholders = marks(values)
        sql = f"INSERT INTO entries ({columns}) VALUES ({placeholders})"
        rowid = conn.execute(sql, values).lastrowid
    else:
        assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        conn.execute(f"UPDATE entries SET {assignments} WHERE rowid = ?", (*values, rowid))
    _index_names_and_text(conn, entry, -rowid, source_kinds)
    conn.execute("INSERT OR IGNORE INTO lifecycle (entry_id) VALUES (?)", (entry.id,))


def _claim_rowid(conn: sqlcipher3.Connection, entry: Entry) -> int | None:
    """The row to reuse (same id, else same path); any other row in the way is removed."""
    rows = conn.execute(
        "SELECT rowid, id FROM entries WHERE id = ? OR path = ?", (entry.id, entry.path)
    ).fetchall()
    keep = next((r for r in rows if r[1] == entry.id), rows[0] if rows else None)
    for rowid, old_id in rows:
        if keep is None or rowid != keep[0]:
            _delete_row(conn, rowid, old_id)
    if keep is None:
        return None
    conn.execute("DELETE FROM entry_names WHERE entry_id = ?", (keep[1],))
    fulltext.delete(conn, [-keep[0]])
    return int(keep[0])


def _index_names_and_text(
    conn: sqlcipher3.Connection, entry: Entry, key: int, source_kinds: str
) -> None:
    names = {name_key(n) for n in [entry.title, *entry.aliases] if n.strip()}
    conn.executemany(
        "INSERT OR IGNORE INTO entry_names VALUES (?, ?)", [(n, entry.id) for n in names]
    )
    _insert_text(
        conn,
        key,
        _search_title(entry),
        entry.body,
        entry.path,
        entry.kind,
        source_kinds,
        entry.valid_from or entry.updated or entry.created,
    )


def _insert_text(
    conn: sqlcipher3.Connection,
    key: int,
    title: str,
    body: str,
    path: str,
    kind: str,
    source_kinds: str,
    ts: str | None,
    *,
    spaced: bool = True,
) -> None:
    entry_scope = scope.entry_scope(path, kind, source_kinds)
    row = fulltext.TextRow(key, title, body, "", entry_scope, path, kind, source_kinds, ts)
    fulltext.insert(conn, row, spaced=spaced)


def reindex_entry_text(conn: sqlcipher3.Connection, *, spaced: bool = True) -> None:
    """Full-text rows of every indexed entry, from the entries table (for migrations;
    `spaced=False`: only their bigram rows, see fulltext.insert)."""
    rows = conn.execute(
        "SELECT rowid, title, aliases, tags, body, path, kind, sources, valid_from, updated, "
        "created FROM entries"
    ).fetchall()
    for rowid, title, aliases, tags, body, path, kind, sources, valid, updated, created in rows:
        words = " ".join([title, *json.loads(aliases), *json.loads(tags)])
        kinds = " ".join(sorted({source_kind(s) for s in json.loads(sources)})) or "manual"
        when = valid or updated or created
        _insert_text(conn, -rowid, words, body, path, kind, kinds, when, spaced=spaced)


def _search_title(entry: Entry) -> str:
    return " ".join([entry.title, *entry.aliases, *entry.tags])


def delete_entry_rows(conn: sqlcipher3.Connection, entry_id: str, path: str) -> list[str]:
    """Remove index rows of an entry id or of whatever was indexed at `path`."""
    rows = conn.execute(
        "SELECT rowid, id FROM entries WHERE id = ? OR path = ?", (entry_id, path)
    ).fetchall()
    for rowid, old_id in rows:
        _delete_row(conn, rowid, old_id)
    return [old_id for _, old_id in rows]


def _delete_row(conn: sqlcipher3.Connection, rowid: int, entry_id: str) -> None:
    fulltext.delete(conn, [-rowid])
    conn.execute("DELETE FROM entry_names WHERE entry_id = ?", (entry_id,))
    conn.execute("DELETE FROM entries WHERE rowid = ?", (rowid,))
    vectors.delete_doc(conn, -rowid)


def forget_lifecycle(conn: sqlcipher3.Connection, entry_id: str) -> None:
    conn.execute("DELETE FROM lifecycle WHERE entry_id = ?", (entry_id,))


def entry_count(db: Database) -> int:
    row = db.one("SELECT count(*) FROM entries")
    return int(row[0]) if row else 0


def indexed_files(db: Database) -> dict[str, IndexedFile]:
    rows = db.query("SELECT id, path, content_hash, mtime_ns, size FROM entries")
    return {r[1]: IndexedFile(*r) for r in rows}


def entry_row(db: Database, entry_id: str) -> EntryRow | None:
    row = db.one(f"SELECT {ENTRY_COLUMNS} FROM entries WHERE id = ?", (entry_id,))
    return EntryRow(*row) if row else None


def entry_row_by_path(db: Database, path: str) -> EntryRow | None:
    row = db.one(f"SELECT {ENTRY_COLUMNS} FROM entries WHERE path = ?", (path,))
    return EntryRow(*row) if row else None


def entry_rows_by_rowid(db: Database, rowids: list[int]) -> dict[int, EntryRow]:
    rows = db.query_in(f"SELECT {ENTRY_COLUMNS} FROM entries WHERE rowid IN (%s)", rowids)
    return {r[-1]: EntryRow(*r) for r in rows}


def ids_by_name(db: Database, names: list[str]) -> dict[str, list[str]]:
    keys = sorted({name_key(n) for n in names if n.strip()})
    found: dict[str, list[str]] = {}
    for name, entry_id in db.query_in(
        "SELECT name, entry_id FROM entry_names WHERE name IN (%s)", keys
    ):
        found.setdefault(name, []).append(entry_id)
    return found


def ids_with_prefix(db: Database, prefix: str, limit: int = 5) -> list[str]:
    rows = db.query(
        "SELECT id FROM entries WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
        (*prefix_bounds(prefix), limit),
    )
    return [r[0] for r in rows]


def entry_rows_under(db: Database, folder: str) -> list[EntryRow]:
    """All entries below a folder (or the whole tree for ''), ordered by path."""
    if not folder:
        rows = db.query(f"SELECT {ENTRY_COLUMNS} FROM entries ORDER BY path")
    else:
        rows = db.query(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {UNDER_FOLDER} ORDER BY path",
            (under_folder(folder),),
        )
    return [EntryRow(*r) for r in rows]


def lifecycle_of(db: Database, entry_ids: list[str]) -> dict[str, Lifecycle]:
    rows = db.query_in(
        "SELECT entry_id, importance, access_count, last_access, maturity FROM lifecycle "
        "WHERE entry_id IN (%s)",
        entry_ids,
    )
    return {r[0]: Lifecycle(*r[1:]) for r in rows}


def record_skip(conn: sqlcipher3.Connection, path: str, reason: str, mtime: int, size: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO skipped_files VALUES (?, ?, ?, ?)", (path, reason, mtime, size)
    )


def clear_skip(conn: sqlcipher3.Connection, path: str) -> None:
    conn.execute("DELETE FROM skipped_files WHERE path = ?", (path,))


def skipped_files(db: Database) -> dict[str, SkippedFile]:
    rows = db.query("SELECT path, reason, mtime_ns, size FROM skipped_files")
    return {r[0]: SkippedFile(*r[1:]) for r in rows}

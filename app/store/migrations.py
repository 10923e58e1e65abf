"""Schema migrations: plain named functions applied in order, recorded in a table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlcipher3

from amber.store.db import Database
from amber.store.vectors import refill_queue

Migration = Callable[[sqlcipher3.Connection], None]


def m0001_core(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE events (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            ref TEXT NOT NULL DEFAULT '',
            dedup_key TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            uri TEXT NOT NULL DEFAULT '',
            conversation TEXT NOT NULL DEFAULT '',
            message_id TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            ts TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            trust TEXT NOT NULL DEFAULT 'trusted',
            meta TEXT NOT NULL DEFAULT '{}',
            captured_at TEXT NOT NULL,
            distilled INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX events_ref ON events(ref);
        CREATE INDEX events_conversation ON events(source, conversation);
        CREATE INDEX events_ts ON events(ts);

        CREATE TABLE entries (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            aliases TEXT NOT NULL DEFAULT '[]',
            links TEXT NOT NULL DEFAULT '[]',
            sources TEXT NOT NULL DEFAULT '[]',
            supersedes TEXT NOT NULL DEFAULT '[]',
            superseded_by TEXT NOT NULL DEFAULT '[]',
            created TEXT,
            updated TEXT,
            valid_from TEXT,
            body TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL DEFAULT 0,
            problem TEXT
        );
        CREATE TABLE entry_names (
            name TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            PRIMARY KEY (name, entry_id)
        ) WITHOUT ROWID;
        CREATE INDEX entry_names_entry ON entry_names(entry_id);

        CREATE TABLE skipped_files (
            path TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL
        );

        CREATE TABLE lifecycle (
            entry_id TEXT PRIMARY KEY,
            importance REAL NOT NULL DEFAULT 0.5,
            access_count INTEGER NOT NULL DEFAULT 0,
            last_access TEXT,
            maturity TEXT NOT NULL DEFAULT 'draft'
        );

        CREATE TABLE audit (
            rowid INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            interface TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}'
        );

        -- One full-text index over entries and events so BM25 statistics are shared.
        -- rowid > 0 is events.rowid, rowid < 0 is -entries.rowid.
        CREATE VIRTUAL TABLE search USING fts5(
            title, body,
            path UNINDEXED, kind UNINDEXED, source UNINDEXED, ts UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        -- Title words (title, aliases, tags; a message's speaker) weigh more than body words.
        INSERT INTO search (search, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
        -- Deleting a row removes its tokens from the index at once: forget means forget.
        INSERT INTO search (search, rank) VALUES ('secure-delete', 1);
        """,
    )


def _run_script(conn: sqlcipher3.Connection, script: str) -> None:
    # executescript() would COMMIT the surrounding transaction; run statement by statement.
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def m0002_vectors(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- One row per embedded chunk of a document (doc_key as in the search table).
        -- vector: float32 in sqlite-vec's layout; code: its binary quantization, kept apart
        -- so the in-memory prefilter loads 48 bytes a chunk instead of the whole vector.
        CREATE TABLE embeddings (
            chunk_id INTEGER PRIMARY KEY,
            doc_key INTEGER NOT NULL,
            chunk INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            UNIQUE (doc_key, chunk)
        );
        CREATE TABLE embedding_codes (
            chunk_id INTEGER PRIMARY KEY REFERENCES embeddings(chunk_id) ON DELETE CASCADE,
            code BLOB NOT NULL
        );
        CREATE TABLE vector_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def m0003_recall_indexes(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- Who speaks in stored messages, to notice names in queries.
        CREATE INDEX events_author ON events(author);
        -- The start-up comparison of tree and index reads these without the entry bodies.
        CREATE INDEX entries_files ON entries(path, mtime_ns, size, id, content_hash);
        -- Time-only queries ("what happened yesterday") read entries newest first.
        CREATE INDEX entries_when ON entries(coalesce(valid_from, updated, created));
        """,
    )


def m0004_search_scope(conn: sqlcipher3.Connection) -> None:
    """The full-text table gained a `scope` column of filter tokens (see store.scope). Left
    empty: m0008 rebuilds the table and fills it."""
    _run_script(
        conn,
        """
        DROP TABLE search;
        CREATE VIRTUAL TABLE search USING fts5(
            title, body, scope,
            path UNINDEXED, kind UNINDEXED, source UNINDEXED, ts UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        """,
    )


def m0005_capture(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- What a file capture source has captured of each file (see store.capture).
        CREATE TABLE capture_files (
            source TEXT NOT NULL,
            path TEXT NOT NULL,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL,
            chunks TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (source, path)
        ) WITHOUT ROWID;
        -- The distiller backlog shown by `amber daemon status`, counted without a table scan.
        CREATE INDEX events_undistilled ON events(distilled) WHERE distilled = 0;
        """,
    )


def m0006_distiller(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- Pending events in the order the distiller batches them (source, thread, time).
        CREATE INDEX events_distill_queue ON events(source, conversation, ts)
            WHERE distilled = 0;
        -- Every distiller operation (and archive), with what it needs to be undone: the
        -- prior bytes of each file it changed (NULL: the file did not exist) and the hash
        -- it left behind (NULL: it removed the file). Kept here, encrypted, never on disk.
        CREATE TABLE distill_ops (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            run_id TEXT NOT NULL,
            ts TEXT NOT NULL,
            action TEXT NOT NULL,
            entry_id TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            path TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}',
            undone_at TEXT,
            purged INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX distill_ops_run ON distill_ops(run_id);
        CREATE INDEX distill_ops_entry ON distill_ops(entry_id);
        CREATE TABLE distill_op_files (
            op_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            path TEXT NOT NULL,
            before BLOB,
            after_hash TEXT,
            PRIMARY KEY (op_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX distill_op_files_path ON distill_op_files(path);
        CREATE TABLE distill_op_events (
            op_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            PRIMARY KEY (op_id, event_id)
        ) WITHOUT ROWID;
        -- The hash of what the distiller last wrote to each entry: a file whose bytes differ
        -- was written or edited by a person, and the distiller never changes it.
        CREATE TABLE distill_written (
            entry_id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL
        ) WITHOUT ROWID;
        -- Zero-LLM digests: which entry holds the digest of a conversation or a day.
        CREATE TABLE distill_digests (
            key TEXT PRIMARY KEY,
            entry_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE review_items (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            action TEXT NOT NULL,
            target_id TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            proposal TEXT NOT NULL,
            resolved_at TEXT,
            op_id TEXT
        );
        CREATE INDEX review_items_status ON review_items(status);
        -- Lifecycle: importance decays from `base_importance` with idle time; `seen_hash` is
        -- the content last counted (a new one is an update: a bump), `last_update` when.
        ALTER TABLE lifecycle ADD COLUMN base_importance REAL NOT NULL DEFAULT 0.5;
        ALTER TABLE lifecycle ADD COLUMN seen_hash TEXT;
        ALTER TABLE lifecycle ADD COLUMN last_update TEXT;
        """,
    )


def m0007_source_checkpoints(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- Where a tailing capture source stopped reading (JSON), committed with its events.
        CREATE TABLE source_checkpoints (
            source TEXT PRIMARY KEY,
            state TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    )


# Title words (title, aliases, tags; a message's speaker) weigh most, then body words, then
# the messages before a message (context); scope holds filter tokens and is never ranked.
_SEARCH_TABLE = """
    CREATE VIRTUAL TABLE search USING fts5(
        title, body, context, scope,
        path UNINDEXED, kind UNINDEXED, source UNINDEXED, ts UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    INSERT INTO search (search, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.3, 0.0)');
    INSERT INTO search (search, rank) VALUES ('secure-delete', 1);
"""


def m0008_search_context(conn: sqlcipher3.Connection) -> None:
    """Rebuild the full-text table with a `context` column (see store.events). Indexing
    writes the bigram table too (m0010), so it is rebuilt here as well."""
    from amber.store import entries, events, fulltext

    _run_script(conn, "DROP TABLE search;\n" + _SEARCH_TABLE)
    fulltext.create_unspaced(conn, again=True)
    events.reindex_events(conn)
    entries.reindex_entry_text(conn)


def m0009_statement_rewrites(conn: sqlcipher3.Connection) -> None:
    _run_script(
        conn,
        """
        -- What a chat model made of each statement the distiller sent it (see
        -- amber/distill/rewriting.py), by event and the zero-LLM line's hash: pages
        -- rebuilt later (a second run, forgetting) read it back instead of asking again.
        CREATE TABLE distill_rewrites (
            event_id TEXT NOT NULL,
            line_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (event_id, line_hash)
        ) WITHOUT ROWID;
        """,
    )


def m0010_search_cjk(conn: sqlcipher3.Connection) -> None:
    """The bigram table for text in scripts written without spaces (store.fulltext), filled
    from the events and entries already indexed; nothing to fill when m0008 made it now."""
    from amber.store import entries, events, fulltext

    if fulltext.create_unspaced(conn):
        events.reindex_events(conn, spaced=False)
        entries.reindex_entry_text(conn, spaced=False)


def m0011_event_cwd(conn: sqlcipher3.Connection) -> None:
    """Agent sessions' events by the folder they ran in: a project's pages gather its
    sessions through it (amber/distill/projects.py). Only events with a `cwd` are in it,
    and a meta that is not JSON is read as none rather than failing the migration."""
    _run_script(
        conn,
        """
        CREATE INDEX events_cwd ON events(
            json_extract(CASE WHEN json_valid(meta) THEN meta END, '$.cwd'), source, conversation
        ) WHERE json_extract(CASE WHEN json_valid(meta) THEN meta END, '$.cwd') IS NOT NULL;
        """,
    )


def m0012_sync(conn: sqlcipher3.Connection) -> None:
    """What `amber sync` knows of the repository's event segments (amber/sync/events.py):
    the segments applied here, each event the repository holds (by its key there, and its
    dedup key here), and the tombstones of what was forgotten on any device."""
    _run_script(
        conn,
        """
        CREATE TABLE sync_segments (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
        CREATE TABLE sync_events (
            key TEXT PRIMARY KEY,
            local_key TEXT NOT NULL,
            segment TEXT NOT NULL
        );
        CREATE INDEX sync_events_local ON sync_events(local_key);
        CREATE TABLE sync_tombstones (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            segment TEXT NOT NULL
        );
        """,
    )


def m0013_sync_distilled(conn: sqlcipher3.Connection) -> None:
    """Events known distilled on some device, by their key in the repository: the marks
    the distilling device sends so that the others' queues and retention follow it
    (amber/sync/events.py)."""
    _run_script(conn, "CREATE TABLE sync_distilled (key TEXT PRIMARY KEY);")


def m0014_vector_queue(conn: sqlcipher3.Connection) -> None:
    """Events waiting for vectors (amber/store/vectors.py), filled with those that have
    none yet."""
    conn.execute("CREATE TABLE vector_queue (doc_key INTEGER PRIMARY KEY)")
    refill_queue(conn)


MIGRATIONS: list[Migration] = [
    m0001_core,
    m0002_vectors,
    m0003_recall_indexes,
    m0004_search_scope,
    m0005_capture,
    m0006_distiller,
    m0007_source_checkpoints,
    m0008_search_context,
    m0009_statement_rewrites,
    m0010_search_cjk,
    m0011_event_cwd,
    m0012_sync,
    m0013_sync_distilled,
    m0014_vector_queue,
]


def migrate(db: Database) -> list[str]:
    """Apply pending migrations; returns the names applied. Reads only when up to date."""
    if not _pending(_applied(db)):
        return []
    with db.write() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        pending = _pending(_applied(db))  # another process may have migrated meanwhile
        for migration in pending:
            migration(conn)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?)",
                (migration.__name__, datetime.now(UTC).isoformat()),
            )
    return [m.__name__ for m in pending]


def _applied(db: Database) -> set[str]:
    exists = db.one("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'")
    return {row[0] for row in db.query("SELECT name FROM schema_migrations")} if exists else set()


def _pending(applied: set[str]) -> list[Migration]:
    return [m for m in MIGRATIONS if m.__name__ not in applied]

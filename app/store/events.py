"""Events: primary data, append-only and idempotent by `dedup_key`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import sqlcipher3

from amber.clock import iso, now
from amber.events import Event, EventDraft
from amber.ids import new_id
from amber.store import fulltext, vectors
from amber.store.db import Database
from amber.store.scope import event_scope

EVENT_COLUMNS = (
    "id, ref, source, uri, conversation, message_id, author, ts, title, text, trust, captured_at"
)


# The full-text row of a message also holds the messages just before it in the same
# conversation, in a low-weight `context` column: the question a reply answers usually names
# what the reply leaves out ("Where did you go?" / "To Sweden, twice!"). Forgetting an
# event re-indexes its conversation (`reindex_rows`), so no follower keeps its words.
CONTEXT_MESSAGES = 2
CONTEXT_WORDS = 60  # of each


def insert_events(conn: sqlcipher3.Connection, drafts: Iterable[EventDraft]) -> int:
    """Store drafts not seen before (caller's transaction); returns how many were new."""
    added = 0
    captured_at = iso(now())
    recent = _RecentMessages(conn)
    for draft in drafts:
        ts = None if draft.timestamp is None else iso(draft.timestamp)
        cur = conn.execute(
            "INSERT OR IGNORE INTO events (id, ref, dedup_key, source, uri, conversation, "
            "message_id, author, ts, title, text, content_hash, trust, meta, captured_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                new_id(),
                draft.ref,
                draft.dedup_key,
                draft.source,
                draft.uri,
                draft.conversation,
                draft.message_id,
                draft.author,
                ts,
                draft.title,
                draft.text,
                hashlib.sha256(draft.text.encode("utf-8")).hexdigest(),
                draft.trust,
                json.dumps(draft.meta),
                captured_at,
            ),
        )
        if cur.rowcount == 1:
            added += 1
            context = recent.before(cur.lastrowid, draft.source, draft.conversation, draft.text)
            _search_row(conn, (cur.lastrowid, draft.author, draft.text, draft.source, ts), context)
            vectors.queue_event(conn, cur.lastrowid, draft.author)
    return added


def _search_row(
    conn: sqlcipher3.Connection, row: tuple, context: str, *, spaced: bool = True
) -> None:
    """The full-text row of one event: row is (rowid, author, text, source, ts)."""
    rowid, author, text, source, ts = row
    scope = event_scope(source)
    text_row = fulltext.TextRow(rowid, author, text, context, scope, "", "event", source, ts)
    fulltext.insert(conn, text_row, spaced=spaced)


class _RecentMessages:
    """The last messages of each conversation written in this batch, so that a batch of
    messages from one conversation reads the store once, not once per message."""

    def __init__(self, conn: sqlcipher3.Connection) -> None:
        self.conn = conn
        self.threads: dict[tuple[str, str], list[str]] = {}

    def before(self, rowid: int, source: str, conversation: str, text: str) -> str:
        """The context of a new message, which then joins the conversation's recent ones."""
        if not conversation:
            return ""
        thread = (source, conversation)
        if thread not in self.threads:
            rows = self.conn.execute(
                "SELECT text FROM events WHERE source = ? AND conversation = ? AND rowid < ? "
                "ORDER BY rowid DESC LIMIT ?",
                (source, conversation, rowid, CONTEXT_MESSAGES),
            ).fetchall()
            self.threads[thread] = [_clipped(r[0]) for r in reversed(rows)]
        earlier = self.threads[thread]
        self.threads[thread] = [*earlier, _clipped(text)][-CONTEXT_MESSAGES:]
        return "\n".join(earlier)


def _clipped(text: str) -> str:
    """The start of a message is enough context; a pasted log would only bloat the index."""
    words = text.split(maxsplit=CONTEXT_WORDS)
    return " ".join(words[:CONTEXT_WORDS])


_REINDEX_SELECT = "SELECT rowid, author, text, source, ts, conversation FROM events"


def reindex_events(conn: sqlcipher3.Connection, *, spaced: bool = True) -> int:
    """Rebuild the FTS rows of all events from the events table, one conversation at a time
    (`spaced=False`: only their bigram rows, see fulltext.insert)."""
    rows = conn.execute(f"{_REINDEX_SELECT} ORDER BY source, conversation, rowid").fetchall()
    reindex_rows(conn, rows, spaced=spaced)
    return len(rows)


def reindex_followers(
    conn: sqlcipher3.Connection, source: str, conversation: str, deleted: list[int]
) -> None:
    """Rebuild the FTS rows of the messages whose `context` held deleted ones: the
    `CONTEXT_MESSAGES` after each. Rebuilding the whole thread instead would cost a year
    of one app's screen frames for every batch that retention prunes from its start."""
    followers: set[int] = set()
    for rowid in deleted:
        followers.update(
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM events WHERE source = ? AND conversation = ? AND rowid > ? "
                "ORDER BY rowid LIMIT ?",
                (source, conversation, rowid, CONTEXT_MESSAGES),
            )
        )
    for rowid in sorted(followers):
        row = conn.execute(f"{_REINDEX_SELECT} WHERE rowid = ?", (rowid,)).fetchone()
        before = conn.execute(
            "SELECT text FROM events WHERE source = ? AND conversation = ? AND rowid < ? "
            "ORDER BY rowid DESC LIMIT ?",
            (source, conversation, rowid, CONTEXT_MESSAGES),
        ).fetchall()
        fulltext.delete(conn, [rowid])
        context = "\n".join(_clipped(r[0]) for r in reversed(before))
        _search_row(conn, row[:5], context)


def reindex_rows(conn: sqlcipher3.Connection, rows: list[tuple], *, spaced: bool = True) -> None:
    """FTS rows for events ordered by conversation, each with the messages before it."""
    recent: list[str] = []
    thread: tuple[str, str] | None = None
    for rowid, author, text, source, ts, conversation in rows:
        if (source, conversation) != thread or not conversation:
            recent = []
            thread = (source, conversation)
        _search_row(conn, (rowid, author, text, source, ts), "\n".join(recent), spaced=spaced)
        recent = [*recent, _clipped(text)][-CONTEXT_MESSAGES:]


def _event(row: tuple) -> Event:
    return Event(*row[:12])


def events_by_rowid(db: Database, rowids: list[int]) -> dict[int, Event]:
    rows = db.query_in(f"SELECT {EVENT_COLUMNS}, rowid FROM events WHERE rowid IN (%s)", rowids)
    return {r[-1]: _event(r) for r in rows}


def events_by_handle(db: Database, handles: list[str]) -> dict[str, Event]:
    """Look events up by id or by ref; the result is keyed by the handle given."""
    rows = db.query_in(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE id IN (%s) OR ref IN (%s)", handles
    )
    found: dict[str, Event] = {}
    for event in map(_event, rows):
        for handle in (event.id, event.ref):
            if handle in handles:
                found[handle] = event
    return found


def event_count(db: Database) -> int:
    row = db.one("SELECT count(*) FROM events")
    return int(row[0]) if row else 0


def source_counts(db: Database) -> dict[str, int]:
    return dict(db.query("SELECT source, count(*) FROM events GROUP BY source"))


def source_sizes(db: Database) -> list[tuple[str, int, int]]:
    """(source, events, bytes of text) of every source, largest first."""
    rows = db.query(
        "SELECT source, count(*), sum(length(CAST(text AS BLOB))) FROM events "
        "GROUP BY source ORDER BY 3 DESC"
    )
    return [(str(source), int(count), int(size or 0)) for source, count, size in rows]


def added_per_month(db: Database) -> list[tuple[str, str, int]]:
    """(month as YYYY-MM, source, events stored that month), oldest month first."""
    rows = db.query(
        "SELECT substr(captured_at, 1, 7), source, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(str(month), str(source), int(count)) for month, source, count in rows]

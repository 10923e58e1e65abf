"""SQL for the distiller's input: pending events, the threads they belong to, the flag."""

from __future__ import annotations

import json
from dataclasses import dataclass

from amber.events import Event
from amber.store.db import IN_CHUNK, Database, marks
from amber.store.events import EVENT_COLUMNS


def _events(rows: list[tuple]) -> list[Event]:
    return [Event(*row[:12]) for row in rows]


def pending(db: Database, limit: int | None, include_distilled: bool = False) -> list[Event]:
    """Events to distill, in batching order: by source, conversation, then time."""
    where = "" if include_distilled else "WHERE distilled = 0"
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events {where} "
        "ORDER BY source, conversation, coalesce(ts, captured_at), rowid LIMIT ?",
        (-1 if limit is None else limit,),
    )
    return _events(rows)


def pending_count(db: Database) -> int:
    row = db.one("SELECT count(*) FROM events WHERE distilled = 0")
    return int(row[0]) if row else 0


def mark_distilled(db: Database, event_ids: list[str]) -> None:
    with db.write() as conn:
        for start in range(0, len(event_ids), IN_CHUNK):
            chunk = event_ids[start : start + IN_CHUNK]
            sql = f"UPDATE events SET distilled = 1 WHERE id IN ({marks(chunk)})"
            conn.execute(sql, chunk)


def thread_events(db: Database, source: str, conversation: str) -> list[Event]:
    """Every stored event of one conversation, oldest first."""
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE source = ? AND conversation = ? "
        "ORDER BY coalesce(ts, captured_at), rowid",
        (source, conversation),
    )
    return _events(rows)


def day_events(db: Database, source: str, day: str) -> list[Event]:
    """Every stored event of a source without a conversation on one day (YYYY-MM-DD)."""
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE source = ? AND conversation = '' "
        "AND coalesce(ts, captured_at) >= ? AND coalesce(ts, captured_at) < ? "
        "ORDER BY coalesce(ts, captured_at), rowid",
        (source, day, day + "\U0010ffff"),
    )
    return _events(rows)


def events_by_id(db: Database, event_ids: list[str]) -> dict[str, Event]:
    rows = db.query_in(f"SELECT {EVENT_COLUMNS} FROM events WHERE id IN (%s)", event_ids)
    return {event.id: event for event in _events(rows)}


def event_frequency(db: Database, term: str, cap: int) -> int:
    """Events (not entries) holding a term, counted up to cap: digests weigh their keywords
    by it, and must not see their own entries, or a second run would weigh differently."""
    row = db.one(
        "SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? AND rowid > 0 LIMIT ?)",
        (f'"{term}"', cap),
    )
    return int(row[0]) if row else 0


def event_total(db: Database) -> int:
    row = db.one("SELECT max(rowid) FROM events")
    return int(row[0] or 0) if row else 0


def thread_day_events(db: Database, source: str, conversation: str, day: str) -> list[Event]:
    """The events of one conversation on one day (YYYY-MM-DD), oldest first."""
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE source = ? AND conversation = ? "
        "AND coalesce(ts, captured_at) >= ? AND coalesce(ts, captured_at) < ? "
        "ORDER BY coalesce(ts, captured_at), rowid",
        (source, conversation, day, day + "\U0010ffff"),
    )
    return _events(rows)


def thread_authors(db: Database, source: str, conversation: str) -> list[str]:
    """Who speaks in a conversation, in order of their first message."""
    rows = db.query(
        "SELECT author FROM events WHERE source = ? AND conversation = ? AND author != '' "
        "GROUP BY author ORDER BY min(coalesce(ts, captured_at)), min(rowid)",
        (source, conversation),
    )
    return [row[0] for row in rows]


def events_about(db: Database, name: str) -> list[Event]:
    """Conversation messages a person wrote or that name them (in their text, not only in
    the messages around), oldest first."""
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE conversation != '' AND (author = ? "
        "OR rowid IN (SELECT rowid FROM search WHERE search MATCH ? AND rowid > 0)) "
        "ORDER BY coalesce(ts, captured_at), rowid",
        (name, _phrase_in_body(name)),
    )
    return _events(rows)


def _phrase_in_body(name: str) -> str:
    words = " ".join(w for w in name.replace('"', " ").split())
    return f'body : "{words}"'


# The folder an agent session's event ran in (`cwd` in meta: plugins/importers/claude_code.py,
# codex.py); a meta that is not JSON reads as none. The index `events_cwd`
# (store/migrations.py m0011) is on this very expression, so a query must spell it the same.
CWD = "json_extract(CASE WHEN json_valid(meta) THEN meta END, '$.cwd')"


@dataclass(frozen=True)
class SessionEvent:
    """An event of an agent session with its meta: the tool, exit code, error flag."""

    event: Event
    meta: dict[str, object]


def session_cwd(db: Database, source: str, conversation: str) -> str:
    """The folder a session started in: the `cwd` of its first event that has one."""
    row = db.one(
        f"SELECT {CWD} FROM events INDEXED BY events_conversation "
        f"WHERE source = ? AND conversation = ? AND {CWD} IS NOT NULL "
        "ORDER BY coalesce(ts, captured_at), rowid LIMIT 1",
        (source, conversation),
    )
    return str(row[0]) if row and row[0] else ""


def sessions_in(db: Database, cwds: list[str]) -> list[tuple[str, str]]:
    """(source, conversation) of every session with an event in one of these folders."""
    rows = db.query(
        f"SELECT DISTINCT source, conversation FROM events WHERE {CWD} IS NOT NULL "
        f"AND {CWD} IN ({marks(cwds)}) AND conversation != '' ORDER BY source, conversation",
        cwds,
    )
    return [(row[0], row[1]) for row in rows]


def session_events(db: Database, source: str, conversation: str) -> list[SessionEvent]:
    """Every stored event of one session with its meta, oldest first."""
    rows = db.query(
        f"SELECT {EVENT_COLUMNS}, meta FROM events WHERE source = ? AND conversation = ? "
        "ORDER BY coalesce(ts, captured_at), rowid",
        (source, conversation),
    )
    return [SessionEvent(Event(*row[:12]), _meta(row[12])) for row in rows]


def _meta(text: str) -> dict[str, object]:
    try:
        meta = json.loads(text)
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}

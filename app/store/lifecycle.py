"""SQL for lifecycle signals (importance, accesses, maturity): soft state in the index,
never written into the markdown files."""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from amber.store.db import IN_CHUNK, Database, marks


@dataclass
class LifeRow:
    entry_id: str
    base: float  # importance at the last activity, before decay
    importance: float  # what recall reads: base decayed by idle time
    access_count: int
    last_access: str | None
    maturity: str
    seen_hash: str | None  # the content last counted; another one is an update
    last_update: str | None  # when an update was last counted (or the entry was created)
    updated: str | None  # the entry's own `updated` (or `created`) stamp
    content_hash: str = ""
    path: str = ""
    kind: str = ""
    title: str = ""


_SELECT = (
    "SELECT l.entry_id, l.base_importance, l.importance, l.access_count, l.last_access, "
    "l.maturity, l.seen_hash, l.last_update, coalesce(e.updated, e.created), e.content_hash, "
    "e.path, e.kind, e.title "
    "FROM lifecycle l JOIN entries e ON e.id = l.entry_id"
)


def rows(db: Database) -> list[LifeRow]:
    return [LifeRow(*r) for r in db.query(_SELECT)]


def rows_for(conn: sqlcipher3.Connection, entry_ids: list[str]) -> list[LifeRow]:
    found: list[LifeRow] = []
    for start in range(0, len(entry_ids), IN_CHUNK):
        chunk = entry_ids[start : start + IN_CHUNK]
        sql = f"{_SELECT} WHERE l.entry_id IN ({marks(chunk)})"
        found += [LifeRow(*r) for r in conn.execute(sql, chunk).fetchall()]
    return found


def save(conn: sqlcipher3.Connection, changed: list[LifeRow]) -> None:
    conn.executemany(
        "UPDATE lifecycle SET base_importance = ?, importance = ?, access_count = ?, "
        "last_access = ?, maturity = ?, seen_hash = ?, last_update = ? WHERE entry_id = ?",
        [
            (
                r.base,
                r.importance,
                r.access_count,
                r.last_access,
                r.maturity,
                r.seen_hash,
                r.last_update,
                r.entry_id,
            )
            for r in changed
        ],
    )


def maturity_of(db: Database, entry_ids: list[str]) -> dict[str, str]:
    sql = "SELECT entry_id, maturity FROM lifecycle WHERE entry_id IN (%s)"
    return dict(db.query_in(sql, entry_ids))

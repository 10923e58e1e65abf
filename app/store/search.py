"""Full-text and metadata queries behind recall. Keys are FTS rowids: > 0 events, < 0 entries."""

from __future__ import annotations

from dataclasses import dataclass

from amber.store.db import Database

SNIPPET_TOKENS = 24


@dataclass(frozen=True)
class SearchFilter:
    path: str = ""  # folder prefix in the tree; restricts results to entries
    kind: str = ""  # entry kind, or "event"
    source: str = ""  # event source kind / entry provenance kind
    since: str = ""  # ISO bound, inclusive
    until: str = ""  # ISO bound, exclusive
    include_archived: bool = False
    types: tuple[str, ...] = ("entry", "event")

    def sql(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.path:
            clauses.append("(path = ? OR path LIKE ?)")
            params += [self.path, self.path.rstrip("/") + "/%"]
        if self.kind:
            clauses.append("kind = ?")
            params.append(self.kind)
        if self.source:
            clauses.append("(' ' || source || ' ') LIKE ?")
            params.append(f"% {self.source} %")
        if self.since:
            clauses.append("ts >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("ts < ?")
            params.append(self.until)
        if not self.include_archived:
            clauses.append("path NOT LIKE '\\_archive/%' ESCAPE '\\'")
        if self.types == ("entry",):
            clauses.append("rowid < 0")
        elif self.types == ("event",):
            clauses.append("rowid > 0")
        return "".join(f" AND {c}" for c in clauses), params


@dataclass(frozen=True)
class LexicalRow:
    key: int
    bm25: float
    snippet: str
    ts: str | None


def lexical(db: Database, match: str, flt: SearchFilter, limit: int) -> list[LexicalRow]:
    where, params = flt.sql()
    rows = db.query(
        f"SELECT rowid, rank, snippet(search, 1, '', '', '…', {SNIPPET_TOKENS}), ts "
        f"FROM search WHERE search MATCH ?{where} ORDER BY rank LIMIT ?",
        [match, *params, limit],
    )
    return [LexicalRow(*r) for r in rows]


def recent(db: Database, flt: SearchFilter, limit: int) -> list[LexicalRow]:
    """Newest documents matching the filter, for queries that are only a time phrase."""
    where, params = flt.sql()
    rows = db.query(
        f"SELECT rowid, 0.0, substr(body, 1, 200), ts FROM search WHERE ts IS NOT NULL{where} "
        "ORDER BY ts DESC LIMIT ?",
        [*params, limit],
    )
    return [LexicalRow(*r) for r in rows]


def keys_for_entry_ids(db: Database, entry_ids: list[str]) -> dict[str, int]:
    if not entry_ids:
        return {}
    marks = ",".join("?" * len(entry_ids))
    rows = db.query(f"SELECT id, rowid FROM entries WHERE id IN ({marks})", entry_ids)
    return {entry_id: -rowid for entry_id, rowid in rows}


def doc_fields(db: Database, keys: list[int]) -> dict[int, tuple[str, str]]:
    """(snippet source text, ts) for keys found by channels that have no FTS snippet."""
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    rows = db.query(
        f"SELECT rowid, substr(body, 1, 240), ts FROM search WHERE rowid IN ({marks})", keys
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def keys_matching(db: Database, keys: list[int], flt: SearchFilter) -> set[int]:
    """The keys whose documents pass the filter (for channels that have no SQL of their own)."""
    if not keys:
        return set()
    where, params = flt.sql()
    marks = ",".join("?" * len(keys))
    rows = db.query(f"SELECT rowid FROM search WHERE rowid IN ({marks}){where}", [*keys, *params])
    return {r[0] for r in rows}


class SpeakerCache:
    """Who speaks in the stored messages, to notice names in a query ("what did Ana say").

    Refreshed only when new events arrive (the highest event rowid changed).
    """

    def __init__(self) -> None:
        self._top = -1
        self._names: set[str] = set()

    def named_in(self, db: Database, query_terms: list[str]) -> set[str]:
        row = db.one("SELECT max(rowid) FROM events")
        top = int(row[0]) if row and row[0] is not None else 0
        if top != self._top:
            names = db.query("SELECT DISTINCT author FROM events")
            self._names = {str(r[0]).casefold() for r in names if r[0]}
            self._top = top
        return {t for t in query_terms if t in self._names}

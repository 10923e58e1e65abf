"""Full-text and metadata queries behind recall. Keys are FTS rowids: > 0 events, < 0 entries."""

from __future__ import annotations

from dataclasses import dataclass

from amber.events import is_role_author
from amber.store import scope
from amber.store.db import UNDER_FOLDER, Database, Row, under_folder


@dataclass(frozen=True)
class SearchFilter:
    paths: tuple[str, ...] = ()  # folders in the tree (any of them); restricts to entries
    kind: str = ""  # entry kind, or "event"
    source: str = ""  # event source kind / entry provenance kind
    since: str = ""  # ISO bound, inclusive
    until: str = ""  # ISO bound, exclusive
    include_archived: bool = False
    types: tuple[str, ...] = ("entry", "event")
    as_of: str = ""  # ISO: leave out entries superseded before it (see Documents.visible)

    def scoped(self, match: str) -> str:
        """The MATCH expression with the path, kind and source filters as scope tokens."""
        clause = scope.match_clause(self.paths, self.kind, self.source)
        return f"({match}) AND {clause}" if clause else match

    def admits_every_event(self) -> bool:
        """True when no clause of this filter can turn a stored event away."""
        return "event" in self.types and not (
            self.paths or self.kind or self.source or self.since or self.until
        )

    def sql(self, archive: bool = True, scoped: bool = False) -> tuple[str, list[object]]:
        """WHERE clauses for the search table. `archive=False` leaves the archive test to the
        caller: it reads every match's path, which costs more than the query itself.
        `scoped=True`: path, kind and source are already in the MATCH (see `scoped`)."""
        clauses: list[str] = []
        params: list[object] = []
        if self.paths and not scoped:
            either = " OR ".join([f"path = ? OR {UNDER_FOLDER}"] * len(self.paths))
            clauses.append(f"({either})")
            for folder in self.paths:
                params += [folder, under_folder(folder)]
        if self.kind and not scoped:
            clauses.append("kind = ?")
            params.append(self.kind)
        if self.source and not scoped:
            clauses.append("(' ' || source || ' ') LIKE ?")
            params.append(f"% {self.source} %")
        if self.since:
            clauses.append("ts >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("ts < ?")
            params.append(self.until)
        if archive and not self.include_archived:
            clauses.append("path NOT LIKE '\\_archive/%' ESCAPE '\\'")
        if self.types == ("entry",):
            clauses.append("rowid < 0")
        elif self.types == ("event",):
            clauses.append("rowid > 0")
        return "".join(f" AND {c}" for c in clauses), params


def lexical(db: Database, match: str, flt: SearchFilter, limit: int) -> list[tuple[int, float]]:
    """(key, BM25) best first. Only rowid and rank are selected: any other column would be
    read for every match before the sort, not just for the `limit` kept."""
    where, params = flt.sql(archive=False, scoped=True)
    rows = db.query(
        f"SELECT rowid, rank FROM search WHERE search MATCH ?{where} ORDER BY rank LIMIT ?",
        [flt.scoped(match), *params, limit],
    )
    return [(key, -rank) for key, rank in rows]


def newest_matching(db: Database, match: str, flt: SearchFilter, limit: int) -> list[int]:
    """Matches newest first without ranking them (FTS5 walks rowids in order and stops early):
    events by rowid descending, entries (negative keys) from the newest down."""
    where, params = flt.sql(archive=False, scoped=True)
    base = f"SELECT rowid FROM search WHERE search MATCH ?{where}"
    match = flt.scoped(match)
    events = db.query(f"{base} AND rowid > 0 ORDER BY rowid DESC LIMIT ?", [match, *params, limit])
    entries = db.query(f"{base} AND rowid < 0 ORDER BY rowid ASC LIMIT ?", [match, *params, limit])
    keys = [r[0] for r in events] + [r[0] for r in entries]
    return keys[:limit] if not entries or not events else _interleave(events, entries, limit)


def _interleave(first: list[Row], second: list[Row], limit: int) -> list[int]:
    merged = [key for pair in zip(first, second, strict=False) for key in (pair[0][0], pair[1][0])]
    longer = first if len(first) > len(second) else second
    merged += [r[0] for r in longer[min(len(first), len(second)) :]]
    return merged[:limit]


OWN_COLUMNS = "{title body}"  # a document's own words: for a message, its speaker and text
CONTEXT_COLUMNS = "{context}"  # the messages before a message (see store/events.py)


def keys_holding_term(db: Database, term: str, columns: str, keys: list[int]) -> set[int]:
    """Which of `keys` hold `term` (a stemmed full-text match) in `columns`."""
    rows = db.query_in(
        "SELECT rowid FROM search WHERE search MATCH ? AND rowid IN (%s)",
        keys,
        before=[f'{columns} : "{term}"'],
    )
    return {r[0] for r in rows}


def document_frequency(db: Database, term: str, cap: int) -> int:
    """How many documents hold the term, counted up to `cap` (enough to call it common)."""
    return match_count(db, f'"{term}"', cap)


def match_count(db: Database, match: str, cap: int) -> int:
    """Matches of an FTS expression, counted up to cap + 1 (cheap: no ranking)."""
    row = db.one(
        "SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)",
        (match, cap + 1),
    )
    return int(row[0]) if row else 0


def document_count(db: Database) -> int:
    """Entries plus events, from their rowids (count(*) would scan)."""
    row = db.one("SELECT (SELECT count(*) FROM entries), (SELECT max(rowid) FROM events)")
    return sum(int(v or 0) for v in row) if row else 0


def recent(db: Database, flt: SearchFilter, limit: int) -> list[int]:
    """Newest documents in the filter's time range, for queries that are only a time phrase.

    Read through the events' and entries' time indexes (the search table's ts column has
    none), newest first, then checked against the rest of the filter.
    """
    since = flt.since or "0000"
    until = flt.until or "9999"
    events = db.query(
        "SELECT rowid, ts FROM events WHERE ts >= ? AND ts < ? ORDER BY ts DESC LIMIT ?",
        (since, until, limit * 2),
    )
    when = "coalesce(valid_from, updated, created)"
    entries = db.query(
        f"SELECT -rowid, {when} FROM entries WHERE {when} >= ? AND {when} < ? "
        f"ORDER BY {when} DESC LIMIT ?",
        (since, until, limit * 2),
    )
    newest = sorted([*events, *entries], key=lambda r: r[1], reverse=True)
    allowed = keys_matching(db, [r[0] for r in newest], flt)
    return [key for key, _ in newest if key in allowed][:limit]


def keys_for_entry_ids(db: Database, entry_ids: list[str]) -> dict[str, int]:
    rows = db.query_in("SELECT id, rowid FROM entries WHERE id IN (%s)", entry_ids)
    return {entry_id: -rowid for entry_id, rowid in rows}


def keys_matching(db: Database, keys: list[int], flt: SearchFilter) -> set[int]:
    """The keys whose documents pass the filter (for channels that have no SQL of their own).

    Every key handed in is a stored document's (events leave the index with their full-text
    row and vectors, store/forget.py), so a filter that admits every event lets event keys
    through without reading their rows: the vector channel asks with no filter at all, and
    the archive test would otherwise read each event's row, text included."""
    if flt.admits_every_event():
        events = {key for key in keys if key > 0}
        return events | _rows_matching(db, [key for key in keys if key < 0], flt)
    return _rows_matching(db, keys, flt)


def _rows_matching(db: Database, keys: list[int], flt: SearchFilter) -> set[int]:
    where, params = flt.sql()
    rows = db.query_in(f"SELECT rowid FROM search WHERE rowid IN (%s){where}", keys, after=params)
    return {r[0] for r in rows}


# Every distinct non-empty author, one step along the `events_author` index per name: a
# plain DISTINCT reads the whole index (10-20 ms at 100k events, and while the daemon
# captures, recall asks again after every new event); this costs one seek per speaker.
_AUTHORS = """
    WITH RECURSIVE seen(author) AS (
        SELECT min(author) FROM events WHERE author > ''
        UNION ALL
        SELECT (SELECT min(author) FROM events WHERE author > seen.author)
        FROM seen WHERE seen.author IS NOT NULL
    )
    SELECT author FROM seen WHERE author IS NOT NULL
"""


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
            names = db.query(_AUTHORS)
            # A role is not someone: "the user's login bug" is about a login bug, and every
            # message of an agent session would otherwise count as said by someone it names.
            authors = (str(r[0]) for r in names if r[0] and not is_role_author(str(r[0])))
            self._names = {a.casefold() for a in authors}
            self._top = top
        return {t for t in query_terms if t in self._names}

"""Recall, zero-LLM: exact names, BM25, (vectors later), fused and adjusted by lifecycle.

Tiers 1, 2 and 4 of DESIGN.md. Extra channels (the vector channel) plug in as callables
that return ranked keys, and join the same fusion.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from amber.errors import InvalidInputError
from amber.events import Event
from amber.retrieval import fusion
from amber.retrieval.hits import Hit
from amber.retrieval.provenance import entry_sources, event_source
from amber.retrieval.query import match_expression, terms
from amber.retrieval.timephrases import TimeRange, parse_time_phrases
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store import search
from amber.store.db import Database

MAX_K = 200
MODES = ("lexical", "vector", "hybrid")
POOL_MIN = 50
RELATION_SEEDS = 5
Channel = Callable[[str, search.SearchFilter, int], list[int]]


@dataclass(frozen=True)
class RecallOptions:
    k: int = 10
    path: str = ""
    kind: str = ""
    source: str = ""
    since: datetime | None = None
    until: datetime | None = None
    include_archived: bool = False
    types: tuple[str, ...] = ("entry", "event")
    now: datetime | None = None
    mode: str = "hybrid"  # lexical, vector or hybrid; exact names are matched in every mode


@dataclass
class _Candidates:
    fused: dict[int, fusion.Fused]
    snippets: dict[int, str]
    time_range: TimeRange | None


class Recaller:
    def __init__(self, db: Database, extra_channels: dict[str, Channel] | None = None) -> None:
        self.db = db
        self.extra_channels = extra_channels or {}

    def recall(self, query: str, options: RecallOptions | None = None) -> list[Hit]:
        options = options or RecallOptions()
        if not 1 <= options.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}, got {options.k}")
        if options.mode not in MODES:
            raise InvalidInputError(f"channels must be one of {', '.join(MODES)}")
        if options.mode == "vector" and "vector" not in self.extra_channels:
            raise InvalidInputError(
                "vector recall needs an embedding model: `amber models pull bge-small-en-v1.5`"
                " (or `amber models add FILE --role embed`), then `amber embed`"
            )
        now = options.now or datetime.now(UTC)
        candidates = self._gather(query.strip(), replace(options, now=now))
        return self._rank(candidates, options.k, now)

    def _gather(self, query: str, options: RecallOptions) -> _Candidates:
        parsed = parse_time_phrases(query, options.now or datetime.now(UTC))
        flt = _filter(options)
        pool = max(POOL_MIN, options.k * 4)
        ranked: dict[str, list[int]] = {}
        snippets: dict[int, str] = {}
        exact = self._exact(query, parsed.query, flt)
        if exact:
            ranked["exact"] = exact
        query_terms = terms(parsed.query) if options.mode != "vector" else []
        if query_terms:
            rows = search.lexical(self.db, match_expression(query_terms), flt, pool)
            ranked["lexical"] = [r.key for r in rows]
            snippets.update((r.key, " ".join(r.snippet.split())) for r in rows)
        elif parsed.range:
            rows = search.recent(self.db, _within(flt, parsed.range), pool)
            ranked["recent"] = [r.key for r in rows]
        for name, channel in self.extra_channels.items():
            if options.mode == "hybrid" or options.mode == name:
                ranked[name] = channel(parsed.query or query, flt, pool)
        return _Candidates(fusion.reciprocal_rank_fusion(ranked), snippets, parsed.range)

    def _exact(self, query: str, stripped: str, flt: search.SearchFilter) -> list[int]:
        if not query or "entry" not in flt.types:
            return []
        ids = [
            i for ids in entry_rows.ids_by_name(self.db, [query, stripped]).values() for i in ids
        ]
        if not ids and len(query) >= 8 and " " not in query:
            ids = entry_rows.ids_with_prefix(self.db, query)
        keys = search.keys_for_entry_ids(self.db, ids)
        return [keys[i] for i in dict.fromkeys(ids) if i in keys]

    def _rank(self, cand: _Candidates, k: int, now: datetime) -> list[Hit]:
        docs = _Docs.load(self.db, list(cand.fused))
        for item in cand.fused.values():
            item.score *= docs.factor(item.key, now, cand.time_range)
        self._add_relations(cand.fused, docs)
        top = sorted(cand.fused.values(), key=lambda f: -f.score)[:k]
        missing = [f.key for f in top if f.key not in cand.snippets]
        fields = search.doc_fields(self.db, missing)
        for key, (text, _ts) in fields.items():
            cand.snippets[key] = " ".join(text.split())
        return [docs.hit(f, cand.snippets.get(f.key, "")) for f in top if docs.has(f.key)]

    def _add_relations(self, fused: dict[int, fusion.Fused], docs: _Docs) -> None:
        """One hop: entries linked from the best entry hits join with part of their score."""
        seeds = sorted((f for f in fused.values() if f.key < 0), key=lambda f: -f.score)
        for seed in seeds[:RELATION_SEEDS]:
            links = docs.links(seed.key)
            names = entry_rows.ids_by_name(self.db, links)
            keys = search.keys_for_entry_ids(self.db, [i for ids in names.values() for i in ids])
            for key in keys.values():
                bonus = seed.score * fusion.RELATION_FACTOR
                item = fused.setdefault(key, fusion.Fused(key, 0.0))
                item.score += bonus
                if "relation" not in item.channels:
                    item.channels.append("relation")
        docs.load_more([k for k in fused if not docs.has(k)])


def _filter(options: RecallOptions) -> search.SearchFilter:
    return search.SearchFilter(
        path=options.path,
        kind=options.kind,
        source=options.source,
        since=_iso(options.since),
        until=_iso(options.until),
        include_archived=options.include_archived,
        types=options.types,
    )


def _within(flt: search.SearchFilter, time_range: TimeRange) -> search.SearchFilter:
    since = max(flt.since, _iso(time_range.start)) if flt.since else _iso(time_range.start)
    until = min(flt.until, _iso(time_range.end)) if flt.until else _iso(time_range.end)
    return replace(flt, since=since, until=until)


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Docs:
    """Metadata of the candidate documents, loaded in two queries."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.entries: dict[int, tuple] = {}
        self.events: dict[int, Event] = {}
        self.lifecycle: dict[str, tuple] = {}

    @classmethod
    def load(cls, db: Database, keys: list[int]) -> _Docs:
        docs = cls(db)
        docs.load_more(keys)
        return docs

    def load_more(self, keys: list[int]) -> None:
        rows = entry_rows.entry_rows_by_rowid(self.db, [-k for k in keys if k < 0])
        self.entries.update((-rowid, row) for rowid, row in rows.items())
        self.events.update(event_rows.events_by_rowid(self.db, [k for k in keys if k > 0]))
        self.lifecycle.update(entry_rows.lifecycle_of(self.db, [r[0] for r in rows.values()]))

    def has(self, key: int) -> bool:
        return key in self.entries or key in self.events

    def links(self, key: int) -> list[str]:
        row = self.entries.get(key)
        return json.loads(row[6]) if row else []

    def factor(self, key: int, now: datetime, time_range: TimeRange | None) -> float:
        ts = self._ts(key)
        value = fusion.recency_factor(ts, now)
        if key < 0 and key in self.entries:
            row = self.entries[key]
            life = self.lifecycle.get(row[0])
            value *= fusion.importance_factor(life[0] if life else 0.5)
            if json.loads(row[9]) or row[1].startswith("_archive/"):
                value *= fusion.SUPERSEDED_FACTOR
        if time_range and fusion.in_range(ts, time_range.start, time_range.end):
            value *= fusion.TIME_MATCH_FACTOR
        return value

    def _ts(self, key: int) -> str | None:
        if key < 0:
            row = self.entries.get(key)
            return (row[12] or row[11] or row[10]) if row else None
        event = self.events.get(key)
        return event.timestamp if event else None

    def hit(self, fused: fusion.Fused, snippet: str) -> Hit:
        if fused.key < 0:
            return self._entry_hit(fused, snippet)
        event = self.events[fused.key]
        return Hit(
            id=event.id, type="event", title=_event_title(event), path=None,
            snippet=snippet, score=fused.score, channels=fused.channels,
            sources=[event_source(event)], kind="event",
            timestamp=event.timestamp, trust=event.trust,
        )  # fmt: skip

    def _entry_hit(self, fused: fusion.Fused, snippet: str) -> Hit:
        row = self.entries[fused.key]
        superseded = bool(json.loads(row[9])) or row[1].startswith("_archive/")
        return Hit(
            id=row[0], type="entry", title=row[2], path=row[1], snippet=snippet,
            score=fused.score, channels=fused.channels,
            sources=entry_sources(self.db, json.loads(row[7])), kind=row[3],
            timestamp=row[12] or row[11] or row[10], superseded=superseded,
        )  # fmt: skip


def _event_title(event: Event) -> str:
    author = event.author or event.source
    where = event.title or event.conversation
    return f"{author} in {where}" if where else author

"""Recall, zero-LLM: exact names, BM25, vectors when configured, fused and adjusted.

Channels produce candidates; fusion combines their scores; then conversation context
(neighbouring messages), speakers named in the query, lifecycle, supersession and time
phrases adjust them; one hop along [[links]] adds related entries (ARCHITECTURE.md, "How a
request flows").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from amber.clock import iso
from amber.errors import AmberError, InvalidInputError
from amber.events import Event
from amber.ids import looks_like_id
from amber.retrieval import fusion
from amber.retrieval.documents import Documents
from amber.retrieval.hits import Hit
from amber.retrieval.lexical import LexicalChannel
from amber.retrieval.query import terms, without_words
from amber.retrieval.snippets import make_snippet
from amber.retrieval.timephrases import TimeRange, parse_time_phrases
from amber.store import entries as entry_rows
from amber.store import search
from amber.store.db import Database

log = logging.getLogger(__name__)
MAX_K = 200
MODES = ("lexical", "vector", "hybrid")
POOL_MIN = 50
RELATION_SEEDS = 5
Channel = Callable[[str, search.SearchFilter, int], list[int]]


@dataclass(frozen=True)
class RecallOptions:
    k: int = 10
    paths: tuple[str, ...] = ()  # search under any of these folders; () is everywhere
    kind: str = ""
    source: str = ""
    since: datetime | None = None
    until: datetime | None = None
    include_archived: bool = False
    types: tuple[str, ...] = ("entry", "event")
    now: datetime | None = None
    mode: str = "hybrid"  # lexical, vector or hybrid; exact names are matched in every mode
    # Memory as it stood then: nothing newer, and no entry superseded before it (archived
    # entries included, so what was true then can answer).
    as_of: datetime | None = None


def check_options(options: RecallOptions) -> None:
    """What recall cannot run with, as a one-line error (see amber.retrieval.request)."""
    if not 1 <= options.k <= MAX_K:
        raise InvalidInputError(f"k must be between 1 and {MAX_K}, got {options.k}")
    if options.mode not in MODES:
        raise InvalidInputError(f"channels must be one of {', '.join(MODES)}, not '{options.mode}'")


@dataclass
class _Candidates:
    fused: dict[int, fusion.Fused]
    terms: list[str]
    time_range: TimeRange | None
    speakers: set[str]
    filter: search.SearchFilter


class Recaller:
    def __init__(self, db: Database, extra_channels: dict[str, Channel] | None = None) -> None:
        self.db = db
        self.extra_channels = extra_channels or {}
        self._speakers = search.SpeakerCache()
        self._lexical = LexicalChannel(db)

    def recall(self, query: str, options: RecallOptions | None = None) -> list[Hit]:
        options = options or RecallOptions()
        self._check(options)
        now = options.now or datetime.now(UTC)
        candidates = self._gather(query.strip(), replace(options, now=now))
        return self._rank(candidates, options.k, now)

    def _check(self, options: RecallOptions) -> None:
        check_options(options)
        if options.mode == "vector" and "vector" not in self.extra_channels:
            raise InvalidInputError(
                "vector recall needs an embedding model: `amber models pull bge-small-en-v1.5`"
                " (or `amber models add FILE --role embed`), then `amber embed`"
            )

    def _gather(self, query: str, options: RecallOptions) -> _Candidates:
        parsed = parse_time_phrases(query, options.now or datetime.now(UTC))
        flt = _filter(options)
        pool = max(POOL_MIN, options.k * 4)
        query_terms = terms(parsed.query)
        speakers = self._speakers.named_in(self.db, query_terms)
        fused: dict[int, fusion.Fused] = {}
        fusion.add_ranked(fused, "exact", self._exact(query, parsed.query, flt), _w("exact"))
        if query_terms and options.mode != "vector":
            found = self._lexical.search(query_terms, flt, pool)
            weight = _weight("lexical", options.mode)
            fusion.add_scored(fused, "lexical", found.scored, weight)
            fusion.add_ranked(fused, "lexical", found.newest, weight * fusion.UNRANKED_FACTOR)
        elif not query_terms and parsed.range:
            keys = search.recent(self.db, _within(flt, parsed.range), pool)
            fusion.add_ranked(fused, "recent", keys, _w("recent"))
        # A speaker is matched from metadata (the speaker factor); in a dense query a name
        # outweighs the rest and pulls in messages that merely mention the person.
        semantic = without_words(parsed.query or query, speakers)
        for name, channel in self.extra_channels.items():
            if options.mode in ("hybrid", name):
                keys = self._ask_channel(name, channel, semantic, flt, pool, options.mode)
                fusion.add_ranked(fused, name, keys, _weight(name, options.mode))
        return _Candidates(fused, query_terms, parsed.range, speakers, flt)

    @staticmethod
    def _ask_channel(
        name: str, channel: Channel, query: str, flt: search.SearchFilter, pool: int, mode: str
    ) -> list[int]:
        """A channel's keys; in hybrid mode a channel whose model fails (its file deleted,
        say) is left out with a warning, so recall still answers from the other channels."""
        try:
            return channel(query, flt, pool)
        except AmberError as exc:
            if mode != "hybrid":
                raise
            log.warning("amber: %s recall left out: %s", name, exc)
            return []

    def _exact(self, query: str, stripped: str, flt: search.SearchFilter) -> list[int]:
        if not query or "entry" not in flt.types:
            return []
        by_name = entry_rows.ids_by_name(self.db, [query, stripped])
        ids = [i for ids in by_name.values() for i in ids]
        if not ids and looks_like_id(query):
            ids = entry_rows.ids_with_prefix(self.db, query)
        keys = search.keys_for_entry_ids(self.db, ids)
        allowed = search.keys_matching(self.db, list(keys.values()), flt)
        return [keys[i] for i in dict.fromkeys(ids) if keys.get(i) in allowed]

    def _rank(self, cand: _Candidates, k: int, now: datetime) -> list[Hit]:
        docs = Documents(self.db)
        self._add_neighbours(cand.fused, cand.filter, docs)
        docs.load(list(cand.fused))
        for item in cand.fused.values():
            item.score *= docs.factor(item.key, now, cand.time_range, cand.speakers)
        self._add_relations(cand.fused, cand.filter, docs)
        ranked = sorted(cand.fused.values(), key=lambda f: -f.score)
        top = [f for f in ranked if docs.has(f.key) and docs.visible(f.key, cand.filter)][:k]
        return [docs.hit(f, make_snippet(docs.text(f.key), cand.terms)) for f in top]

    def _add_neighbours(
        self, fused: dict[int, fusion.Fused], flt: search.SearchFilter, docs: Documents
    ) -> None:
        offers = fusion.neighbour_offers(fused)
        givers = {giver for _, giver in offers.values()}
        docs.load([*givers, *offers])  # loaded anyway if they rank; their threads are needed
        outside = [k for k in offers if k not in fused and k in docs.events]
        allowed = (
            set(outside)
            if flt.admits_every_event()
            else search.keys_matching(self.db, outside, flt)
        )
        for near, (share, giver) in offers.items():
            if (near in fused or near in allowed) and _same_thread(docs.events, near, giver):
                item = fused.setdefault(near, fusion.Fused(near, 0.0))
                item.score += share
                if "context" not in item.channels:
                    item.channels.append("context")

    def _add_relations(
        self, fused: dict[int, fusion.Fused], flt: search.SearchFilter, docs: Documents
    ) -> None:
        """One hop: entries linked from the best entry hits join with part of their best
        linking hit's score, if the filter admits them (a link may point out of the folders
        being searched). The best, not the sum: a page every hit links to (a person's page
        from each of their episodes) would otherwise outrank the hits themselves."""
        seeds = sorted((f for f in fused.values() if f.key < 0), key=lambda f: -f.score)
        links = {seed.key: docs.links(seed.key) for seed in seeds[:RELATION_SEEDS]}
        wanted = sorted({name for names in links.values() for name in names})
        if not wanted:
            return
        by_name = entry_rows.ids_by_name(self.db, wanted)
        keys = search.keys_for_entry_ids(self.db, [i for ids in by_name.values() for i in ids])
        allowed = search.keys_matching(self.db, list(keys.values()), flt)
        best: dict[int, float] = {}
        for seed in seeds[:RELATION_SEEDS]:
            for name in links[seed.key]:
                for entry_id in by_name.get(entry_rows.name_key(name), []):
                    key = keys.get(entry_id)
                    if key in allowed and key != seed.key:
                        best[key] = max(best.get(key, 0.0), seed.score)
        for key, seed_score in best.items():
            self._relate(fused, key, seed_score)
        docs.load(list(fused))

    @staticmethod
    def _relate(fused: dict[int, fusion.Fused], key: int, seed_score: float) -> None:
        item = fused.setdefault(key, fusion.Fused(key, 0.0))
        item.score += seed_score * fusion.RELATION_FACTOR
        if "relation" not in item.channels:
            item.channels.append("relation")


def _same_thread(events: dict[int, Event], a: int, b: int) -> bool:
    first = events.get(a)
    second = events.get(b)
    if first is None or second is None or not first.conversation:
        return False
    return (first.source, first.conversation) == (second.source, second.conversation)


def _w(channel: str) -> float:
    return fusion.CHANNEL_WEIGHTS.get(channel, 1.0)


def _weight(channel: str, mode: str) -> float:
    """Channel weights balance channels in hybrid mode; alone, a channel counts fully."""
    return _w(channel) if mode == "hybrid" else fusion.SINGLE_CHANNEL_WEIGHT


def _filter(options: RecallOptions) -> search.SearchFilter:
    as_of = _iso(options.as_of)
    until = _iso(options.until)
    return search.SearchFilter(
        paths=() if "" in options.paths else options.paths,  # the root holds everything
        kind=options.kind,
        source=options.source,
        since=_iso(options.since),
        until=min(until, as_of) if until and as_of else until or as_of,
        include_archived=options.include_archived or bool(as_of),
        types=options.types,
        as_of=as_of,
    )


def _within(flt: search.SearchFilter, time_range: TimeRange) -> search.SearchFilter:
    since = max(flt.since, _iso(time_range.start)) if flt.since else _iso(time_range.start)
    until = min(flt.until, _iso(time_range.end)) if flt.until else _iso(time_range.end)
    return replace(flt, since=since, until=until)


def _iso(moment: datetime | None) -> str:
    return iso(moment) if moment is not None else ""

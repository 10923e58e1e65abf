"""Recall, zero-LLM: exact names, BM25, vectors when configured, fused and adjusted.

Channels produce candidates; fusion combines their scores; then conversation context
(neighbouring messages), speakers named in the query, who said a message and its length,
lifecycle, supersession and time phrases adjust them; one hop along [[links]] adds related
entries; the relevance floor drops what has no evidence and labels the rest strong or weak
(ARCHITECTURE.md, "How a request flows").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from amber.clock import iso
from amber.errors import AmberError, InvalidInputError
from amber.events import Event
from amber.ids import looks_like_id
from amber.retrieval import fusion, relevance, signals
from amber.retrieval.documents import Documents
from amber.retrieval.hits import Hit
from amber.retrieval.lexical import LexicalChannel
from amber.retrieval.query import quoted_phrases, terms, without_words
from amber.retrieval.snippets import make_snippet
from amber.retrieval.time_match import TimeMatch
from amber.retrieval.timephrases import TimeRange, parse_time_phrases
from amber.store import entries as entry_rows
from amber.store import search
from amber.store import vectors as vector_rows
from amber.store.db import Database

log = logging.getLogger(__name__)
MAX_K = 200
MODES = ("lexical", "vector", "hybrid")
POOL_MIN = 50
RELATION_SEEDS = 5
# A dense channel: (query, filter, pool) -> (key, cosine similarity), best first. One that
# also has `similarities(query, keys)` lets the relevance floor score hits it did not rank.
Channel = Callable[[str, search.SearchFilter, int], list[tuple[int, float]]]
# Whether a query is answered at all is decided on the evidence of this many best hits,
# whatever k asks for: a bigger page must not turn "no memories match" into hits. Hits
# are then taken from twice k, at least this many (scripts/bench_lme.py: 40 gives the
# figures the benchmark measured at k = 50; 20, the window of k = 10, lost one question
# of any@5).
DECIDING_HITS = 40


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
    semantic: str = ""  # the query the dense channels were asked
    answers_asked: bool = False  # the query asks what an assistant said (retrieval/signals.py)
    phrases: re.Pattern[str] | None = None  # what the query quotes (query.quoted_phrases)
    similarity: dict[int, float] | None = None  # None: no dense channel took part
    dense: list[Channel] = field(default_factory=list)
    waiting: set[int] = field(default_factory=set)  # candidates that have no vectors yet
    compared: int = 0  # chunks the dense channels compared the query with


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
        if now.tzinfo is None:  # a bare date and time is UTC, as everywhere in Amber
            now = now.replace(tzinfo=UTC)
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
            fusion.add_scored(fused, "lexical", found.pairs, weight * fusion.PAIR_WEIGHT)
        elif not query_terms and parsed.range:
            keys = search.recent(self.db, _within(flt, parsed.range), pool)
            fusion.add_ranked(fused, "recent", keys, _w("recent"))
        # A speaker is matched from metadata (the speaker factor); in a dense query a name
        # outweighs the rest and pulls in messages that merely mention the person.
        semantic = without_words(parsed.query or query, speakers)
        asked = signals.asks_for_answers(query)
        quoted = quoted_phrases(parsed.query)
        cand = _Candidates(fused, query_terms, parsed.range, speakers, flt, semantic, asked, quoted)
        for name, channel in self.extra_channels.items():
            if options.mode in ("hybrid", name):
                scored = self._ask_channel(name, channel, semantic, flt, pool, options.mode)
                fusion.add_ranked(fused, name, [k for k, _ in scored], _weight(name, options.mode))
                _note_similarities(cand, channel, scored)
        if options.mode == "hybrid" and cand.similarity is not None:
            cand.waiting = vector_rows.waiting(self.db, list(fused))
            # An assistant's answers are never embedded; when they are what is asked for,
            # their words stand in for meaning as a waiting message's do.
            unembedded = (
                vector_rows.without_vectors(self.db, list(fused))
                if cand.answers_asked
                else cand.waiting
            )
            fusion.stand_in_for_meaning(fused, unembedded, _w("lexical"), _w("vector"))
        return cand

    @staticmethod
    def _ask_channel(
        name: str, channel: Channel, query: str, flt: search.SearchFilter, pool: int, mode: str
    ) -> list[tuple[int, float]]:
        """A channel's (key, similarity) pairs; in hybrid mode a channel whose model fails
        (its file deleted, say) is left out with a warning, so recall still answers from
        the other channels."""
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
        self._add_neighbours(cand.fused, docs)
        docs.load(list(cand.fused))
        if cand.phrases is not None:
            _add_quoted(cand.fused, cand.phrases, docs)
        time_match = TimeMatch(cand.time_range, now) if cand.time_range else None
        for item in cand.fused.values():
            item.scale_words(docs.length_factor(item.key))
            item.score *= docs.factor(item.key, now, time_match, cand.speakers, cand.answers_asked)
        self._add_relations(cand.fused, cand.filter, docs)
        ranked = sorted(cand.fused.values(), key=lambda f: -f.score)
        shown = [f for f in ranked if docs.has(f.key) and docs.visible(f.key, cand.filter)]
        judged = shown[: max(DECIDING_HITS, 2 * k)]
        evidence = self._evidence(cand, judged)
        matches = {key: e.match() for key, e in evidence.items()}
        deciding = judged[:DECIDING_HITS]
        vectors = cand.similarity is not None
        unjudged = any(matches[f.key] and f.key in cand.waiting for f in deciding)
        agreed = relevance.channels_agree([evidence[f.key] for f in deciding])
        if not relevance.answer_at_all(
            [matches[f.key] for f in deciding], vectors, bool(cand.speakers), unjudged, agreed
        ):
            return []
        top = [f for f in judged if matches[f.key]][:k]
        return [
            docs.hit(f, make_snippet(docs.text(f.key), cand.terms), matches[f.key]) for f in top
        ]

    def _evidence(
        self, cand: _Candidates, judged: list[fusion.Fused]
    ) -> dict[int, relevance.Evidence]:
        """What each hit holds of the query, best first (amber.retrieval.relevance); its
        match() is None below the floor."""
        keys = [f.key for f in judged]
        weights = self._lexical.weights(relevance.topical(cand.terms))
        shares = relevance.word_shares(self.db, weights, keys)
        channels = {f.key: f.channels for f in judged}
        typical = relevance.typical_similarity(list((cand.similarity or {}).values()))
        similarities = self._similarities(cand, keys)
        return relevance.judge(channels, shares, similarities, typical, cand.compared)

    @staticmethod
    def _similarities(cand: _Candidates, keys: list[int]) -> dict[int, float] | None:
        """The dense channels' cosine for each key, asked for those they did not rank."""
        if cand.similarity is None:
            return None
        known = dict(cand.similarity)
        missing = [k for k in keys if k not in known]
        for channel in cand.dense:
            ask = getattr(channel, "similarities", None)
            if ask is not None and missing:
                for key, value in ask(cand.semantic, missing).items():
                    known[key] = max(value, known.get(key, -1.0))
        return known

    def _add_neighbours(self, fused: dict[int, fusion.Fused], docs: Documents) -> None:
        """Neighbours lend a share of their score (fusion.neighbour_offers) only to a message
        found on its own account: one that shares nothing with the query would otherwise
        ride on a long answer next to it into the results."""
        offers = fusion.neighbour_offers(fused)
        found = [k for k in offers if _found_itself(fused, k)]
        docs.load([*{offers[k][1] for k in found}, *found])
        for near in found:
            share, giver = offers[near]
            if _same_thread(docs.events, near, giver):
                item = fused[near]
                item.score += share
                if "context" not in item.channels:
                    item.channels.append("context")

    def _add_relations(
        self, fused: dict[int, fusion.Fused], flt: search.SearchFilter, docs: Documents
    ) -> None:
        """One hop: entries linked from the best entry hits join with part of their best
        linking hit's score, if the filter admits them (a link may point out of the folders
        being searched). The best, not the sum: a page every hit links to (a person's page
        from each of their episodes) would otherwise outrank the hits themselves. Only pages
        the query did not find on their own: one it found is ranked by its own words, and
        a lift for being linked put a person's 200-word page second for nearly every question
        naming them, above the episodes that answer it (scripts/bench_tree.py)."""
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
                    if key in allowed and key != seed.key and not _found_itself(fused, key):
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


def _found_itself(fused: dict[int, fusion.Fused], key: int) -> bool:
    """Whether the query found this document by what it says (not as a neighbour or a
    link of another hit)."""
    item = fused.get(key)
    return item is not None and bool(fusion.CONTENT_CHANNELS & set(item.channels))


def _add_quoted(fused: dict[int, fusion.Fused], phrases: re.Pattern[str], docs: Documents) -> None:
    """A hit that holds a phrase the query quotes, as written, earns PHRASE_WEIGHT of the
    lexical weight more. Looked for in the candidates' text, not in the full-text index:
    there a phrase of common words ("of the") reads every posting of both words, hundreds
    of milliseconds in a large memory."""
    bonus = _w("lexical") * fusion.PHRASE_WEIGHT
    for key, item in fused.items():
        if _found_itself(fused, key) and phrases.search(docs.own_words(key)):
            item.score += bonus


def _note_similarities(
    cand: _Candidates, channel: Channel, scored: list[tuple[int, float]]
) -> None:
    """Keep what a dense channel said of each key for the relevance floor. A channel that
    found nothing (no vectors yet, or its model failed) gives no evidence either way."""
    if not scored:
        return
    cand.dense.append(channel)
    compared = getattr(channel, "compared", None)
    cand.compared = max(cand.compared, compared() if compared is not None else len(scored))
    similarity = cand.similarity if cand.similarity is not None else {}
    for key, value in scored:
        similarity[key] = max(value, similarity.get(key, -1.0))
    cand.similarity = similarity


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

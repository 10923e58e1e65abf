"""The lexical channel: BM25 over FTS5, planned by how common each query term is.

FTS5 computes BM25 for every document that matches before it sorts, at a few microseconds
each, so a query term found in a tenth of a large memory costs tens of milliseconds while
adding almost nothing to the ranking (its IDF is near zero). The plan: rank on the rarest
terms within a budget of matches; if every term is common, rank their intersection; a
single common word lists its newest matches instead of ranking them all.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from itertools import pairwise

from amber.cjk import split_terms
from amber.retrieval.query import match_expression
from amber.retrieval.unspaced import UnspacedChannel, combine
from amber.store import search
from amber.store.db import Database

COMMON_SHARE = 0.02  # a term in more than this share of all documents is "common"
COMMON_MIN = 1_000  # below this many matches ranking is cheap whatever the share
RANK_BUDGET = 1_500  # matches ranked per query (about 4 µs each), rarest terms first
COUNT_TTL_S = 30.0  # how long counts and term frequencies are trusted
FREQUENCY_CACHE = 20_000
FILTER_WIDEN = 5  # a filtered query first ranks this many times the pool, unfiltered
PAIR_SPAN = 3  # words between two query words that count as together ("classes in Spanish")


@dataclass
class LexicalResult:
    scored: list[tuple[int, float]] = field(default_factory=list)  # BM25, comparable
    newest: list[int] = field(default_factory=list)  # unranked matches, newest first
    pairs: list[tuple[int, float]] = field(default_factory=list)  # BM25 of words together


class LexicalChannel:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._count = (0, 0.0)  # (documents, when counted)
        self._frequency: dict[str, int] = {}  # term -> capped document frequency
        self._unspaced = UnspacedChannel(db)

    def _document_frequency(self, term: str, cap: int) -> int:
        """Cached: frequencies drift slowly, and only decide which terms are worth ranking."""
        if term not in self._frequency:
            if len(self._frequency) >= FREQUENCY_CACHE:
                self._frequency.clear()
            self._frequency[term] = search.document_frequency(self.db, term, cap)
        return self._frequency[term]

    def search(self, query_terms: list[str], flt: search.SearchFilter, pool: int) -> LexicalResult:
        """Terms in scripts written without spaces (CJK, Thai) are looked up in the bigram
        table, the rest in the ordinary index, and the two merged."""
        spaced, runs = split_terms(query_terms)
        found = self._spaced(spaced, flt, pool) if spaced else LexicalResult()
        if not runs:
            return found
        unspaced = self._unspaced.search(runs, flt, pool)
        scored = combine(found.scored, unspaced.scored)
        ranked = {key for key, _ in scored}
        newest = dict.fromkeys(k for k in [*found.newest, *unspaced.newest] if k not in ranked)
        return LexicalResult(scored, list(newest), found.pairs)

    def _spaced(self, query_terms: list[str], flt: search.SearchFilter, pool: int) -> LexicalResult:
        if not (flt.since or flt.until):  # path, kind, source are scope tokens in the MATCH
            return self._search(query_terms, flt, pool)
        # A date filter reads the stored timestamp of every match in SQL; ranking without it
        # and filtering the best is far cheaper, unless so few of them pass that the filter
        # must run in SQL after all.
        wide = self._search(query_terms, replace(flt, since="", until=""), pool * FILTER_WIDEN)
        keys = [k for k, _ in wide.scored] + wide.newest
        together = [k for k, _ in wide.pairs]
        allowed = search.keys_matching(self.db, [*keys, *together], flt)
        saw_everything = len(keys) < pool * FILTER_WIDEN
        if saw_everything or len(allowed) >= pool // 2:
            return LexicalResult(
                [s for s in wide.scored if s[0] in allowed],
                [k for k in wide.newest if k in allowed],
                [s for s in wide.pairs if s[0] in allowed],
            )
        return self._search(query_terms, flt, pool)

    def _search(self, query_terms: list[str], flt: search.SearchFilter, pool: int) -> LexicalResult:
        common_at = self._common_threshold()
        frequency = {t: self._document_frequency(t, common_at) for t in query_terms}
        rare = _within_budget(
            sorted(
                (t for t in query_terms if frequency[t] <= common_at), key=frequency.__getitem__
            ),
            frequency,
        )
        if rare:
            scored = search.lexical(self.db, match_expression(rare), flt, pool)
            return LexicalResult(scored, pairs=self._pairs(query_terms, set(rare), flt, pool))
        together = " AND ".join(f'"{t}"' for t in query_terms)
        if search.match_count(self.db, together, common_at) > common_at:
            return LexicalResult(newest=search.newest_matching(self.db, together, flt, pool))
        scored = search.lexical(self.db, together, flt, pool)
        if len(scored) >= pool:
            return LexicalResult(scored)
        seen = {k for k, _ in scored}
        newest = search.newest_matching(self.db, match_expression(query_terms), flt, pool)
        return LexicalResult(scored, [k for k in newest if k not in seen])

    def _pairs(
        self, query_terms: list[str], rare: set[str], flt: search.SearchFilter, pool: int
    ) -> list[tuple[int, float]]:
        """BM25 of the query's neighbouring words found together (within PAIR_SPAN words)
        in a document: "Spanish classes" side by side is about what "my Spanish classes"
        asks, "classes" and "Spanish" sentences apart seldom is. BM25 scores each word
        alone; this is the sequential-dependence idea from IR in its simplest form. Only
        words already being ranked (the rarest), so it costs no more matches."""
        pairs = [(a, b) for a, b in pairwise(query_terms) if a in rare and b in rare]
        if not pairs:
            return []
        match = " OR ".join(f'NEAR("{a}" "{b}", {PAIR_SPAN})' for a, b in pairs)
        return search.lexical(self.db, match, flt, pool)

    def weights(self, query_terms: list[str]) -> dict[str, float]:
        """How much each term tells in this memory: BM25's inverse document frequency, in the
        smoothed form that stays above zero for a term most documents hold. Frequencies are
        counted up to the common threshold, which is where a term stops telling much."""
        common_at = self._common_threshold()
        count = max(self._count[0], 1)
        frequency = {t: self._document_frequency(t, common_at) for t in query_terms}
        return {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}

    def _common_threshold(self) -> int:
        count, when = self._count
        if time.monotonic() - when > COUNT_TTL_S:
            count = search.document_count(self.db)
            self._count = (count, time.monotonic())
            self._frequency.clear()
        return max(COMMON_MIN, int(count * COMMON_SHARE))


def _within_budget(rarest_first: list[str], frequency: dict[str, int]) -> list[str]:
    """The rarest terms whose matches add up to the budget (always at least one)."""
    chosen: list[str] = []
    spent = 0
    for term in rarest_first:
        if chosen and spent + frequency[term] > RANK_BUDGET:
            break
        chosen.append(term)
        spent += frequency[term]
    return chosen

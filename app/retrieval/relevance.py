"""How well a hit matches its query in absolute terms: the floor below which recall returns
nothing, and each returned hit's `match`, strong or weak.

Ranking scores are relative (each channel is scaled by its best result, amber.retrieval.
fusion), so the best hit of a nonsense query scores like the best hit of a good one, and a
vector channel always has a nearest neighbour. The evidence here is absolute instead:

- words: the share of the query's information (its terms weighted by IDF, but for the
  words that only give a question its form) that the hit holds itself, terms found only
  in the messages before it counting half;
- similarity: the cosine between the query's and the hit's closest vector, when vectors
  took part, read against how similar the query is to this memory in general (the median
  of the dense channel's other candidates): in a small memory a paraphrase is only
  moderately close, but far closer than everything else.

A hit is strong when the words or the meaning say the memory speaks of what was asked;
weak when it holds some of the query's words, or its meaning is merely near. A vector-only
hit needs more than nearness (WEAK_SIMILARITY), since every memory is near something. With
vectors, a query without a strong hit returns nothing (a few shared words and a loose
likeness are what noise looks like), unless it names someone who speaks in this memory or
words and meaning agree on several of its best hits.
Lexical recall alone cannot tell the two apart, so there any matching word is returned,
labelled.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from amber.retrieval.hits import STRONG, WEAK
from amber.store import search
from amber.store.db import Database

STRONG_WORDS = 0.6  # share of the query's information found in the hit itself
CONTEXT_SHARE = 0.5  # a term found only in the messages before a message counts this much
# Cosine similarities, set with all-MiniLM-L6-v2 on the development conversations, the notes
# of tests/data/notes_recall/ and the off-topic queries of tests/data/recall/off_topic.txt
# (scripts/bench_locomo.py, bench_lme.py and bench_notes.py measure both sides). At 0.45, 11
# of LoCoMo's 231 questions got no hit at all; at 0.42, 7, with no off-topic query more
# answered in any of the three; below 0.40 the off-topic queries start to get answers.
STRONG_SIMILARITY = 0.42
# Each unit of words share adds this much to the similarity. 0.25 until messages got a
# vector per sentence (amber.retrieval.chunking): the closest of more pieces is closer,
# and at 0.25 off-topic queries with no hit on LongMemEval fell from 96.2 % to 95.0 %;
# at 0.2, 95.8 %, with every real question of the three benchmarks answered as before.
WORDS_WEIGHT = 0.2
STANDOUT_SIMILARITY = 0.33  # ... or at least this close, and standing out (standout_margin)
STANDOUT_BASE = 0.05
STANDOUT_SPREAD = 0.06
WEAK_SIMILARITY = 0.2
# Several of the best hits found both by their words and by their meaning, each holding
# part of the query's information and near it: two channels that agree on many documents
# are evidence the memory speaks of the topic, though no single hit is strong. Replayed
# for every query of the three benchmarks: three more real questions answered (a vague
# "is it a good idea to attend my high school reunion?" in a memory that talks of high
# school friends) and one off-topic query more of 2,000 (LongMemEval no hit 95.75 % ->
# 95.7 %); at 3 hits or at 0.2 words, off-topic answers grew or nothing was gained.
AGREEING_HITS = 4
AGREEING_AMONG = 20  # of the best hits
AGREEING_WORDS = 0.15
AGREEING_SIMILARITY = 0.3
# Words that give a question its form (order, count, recency), not its topic: "What is the
# order of the three trips I took?" is about trips, and "order", "earliest" and "latest",
# rare in a memory of chats, held most of its information, so its trip messages looked
# like noise. They still rank (retrieval/lexical.py); only the floor leaves them out.
FRAME_WORDS = frozenset(
    "first last earliest latest order total many much times often recently currently "
    "previously lately happened".split()
)
SURE_CHANNELS = frozenset({"exact", "recent"})  # a title named, or a time range asked for
WORD_CHANNELS = frozenset({"lexical", "relation"})  # found by its words, or linked to a hit


@dataclass(frozen=True)
class Evidence:
    channels: tuple[str, ...]
    words: float = 0.0
    similarity: float | None = None  # None: no vectors took part, or the hit has none
    typical: float = 0.0  # the query's similarity to this memory in general
    margin: float = STANDOUT_BASE  # how far above `typical` stands out (standout_margin)

    def match(self) -> str | None:
        """STRONG, WEAK, or None: below the floor."""
        if SURE_CHANNELS.intersection(self.channels) or self.words >= STRONG_WORDS:
            return STRONG
        close = self.similarity if self.similarity is not None else -1.0
        if close + WORDS_WEIGHT * self.words >= STRONG_SIMILARITY:
            return STRONG
        if close >= STANDOUT_SIMILARITY and close - self.typical >= self.margin:
            return STRONG
        if WORD_CHANNELS.intersection(self.channels) or close >= WEAK_SIMILARITY:
            return WEAK
        return None


def topical(query_terms: list[str]) -> list[str]:
    """The query's terms without its FRAME_WORDS (all of them if nothing else is left)."""
    return [t for t in query_terms if t not in FRAME_WORDS] or query_terms


def word_shares(db: Database, weights: dict[str, float], keys: list[int]) -> dict[int, float]:
    """The IDF-weighted share of the query's terms each document holds (CONTEXT_SHARE for a
    term only in the messages before it): one full-text lookup per term and column."""
    shares = dict.fromkeys(keys, 0.0)
    total = sum(weights.values())
    if not keys or total <= 0:
        return shares
    for term, weight in weights.items():
        own = search.keys_holding_term(db, term, search.OWN_COLUMNS, keys)
        rest = [k for k in keys if k not in own]
        near = search.keys_holding_term(db, term, search.CONTEXT_COLUMNS, rest) if rest else set()
        for key in own:
            shares[key] += weight / total
        for key in near:
            shares[key] += CONTEXT_SHARE * weight / total
    return shares


def standout_margin(compared: int) -> float:
    """How much closer than the query's typical similarity a hit must be to stand out,
    given how many chunks the query was compared with. The nearest of n similarities
    stands out by chance about in proportion to sqrt(2 ln n) (the maximum of n draws), so
    a margin that is right for 2 notes lets noise through in 500 messages. Set by
    replaying what the floor saw for every query of the three benchmarks (224 to 419
    chunks a home): margin 0.22 there (fixed, before) answered 5.8 % of LongMemEval's
    off-topic queries, 0.245 (this formula) 3.7 %, with the same recall; a two-note memory
    keeps a margin of 0.12, so "automobile maintenance" still finds the note on tyres."""
    return STANDOUT_BASE + STANDOUT_SPREAD * math.sqrt(2 * math.log(max(compared, 2)))


def typical_similarity(candidates: list[float]) -> float:
    """The median similarity of a dense channel's candidates but the closest one: what the
    query is near in this memory anyway."""
    rest = sorted(candidates, reverse=True)[1:]
    return statistics.median(rest) if rest else 0.0


def judge(
    channels: dict[int, list[str]],
    shares: dict[int, float],
    similarities: dict[int, float] | None,
    typical: float = 0.0,
    compared: int = 2,
) -> dict[int, Evidence]:
    """Each key's evidence, in the order of `channels` (best hit first); its `match()` is
    the hit's label. `similarities` is None when no vectors took part; `compared` is how
    many chunks the query's vector was compared with."""
    close = similarities or {}
    margin = standout_margin(compared)
    return {
        key: Evidence(tuple(found_by), shares.get(key, 0.0), close.get(key), typical, margin)
        for key, found_by in channels.items()
    }


def channels_agree(best_first: list[Evidence]) -> bool:
    """Whether AGREEING_HITS of the best hits are found by words and by meaning alike."""
    agreeing = [
        e
        for e in best_first[:AGREEING_AMONG]
        if {"lexical", "vector"} <= set(e.channels)
        and e.words >= AGREEING_WORDS
        and (e.similarity or 0.0) >= AGREEING_SIMILARITY
    ]
    return len(agreeing) >= AGREEING_HITS


def answer_at_all(
    matches: list[str | None],
    vectors_took_part: bool,
    names_someone: bool = False,
    unjudged: bool = False,
    agreed: bool = False,
) -> bool:
    """Whether the query found anything: with vectors, only when some hit is strong, or
    when the query names someone who speaks in this memory (it is about this memory, not
    noise: "Would Caroline be considered religious?" has no strong hit, but her words are
    what the asker needs to judge), or when a hit found by its words has no vectors yet
    (`unjudged`: its meaning cannot be read, so as in lexical recall its words decide), or
    when the channels agree on several hits (`agreed`, channels_agree)."""
    if vectors_took_part and not (names_someone or unjudged or agreed):
        return STRONG in matches
    return any(matches)

"""Combining channels, then adjusting by conversation context, speakers, lifecycle and time.

Scores, not only ranks, are fused: each channel's scores are scaled to (0, 1] by its best
result, so a document that BM25 finds far ahead of the rest keeps that lead; plain
reciprocal rank fusion flattens it, and measured on LoCoMo it lost to BM25 alone.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amber.clock import parse_iso

# How much each channel is trusted. A weak embedder helps as a second opinion, not as an
# equal: at equal weight it pulled good lexical hits down.
CHANNEL_WEIGHTS = {"exact": 2.0, "lexical": 1.0, "vector": 0.8, "recent": 1.0}
SINGLE_CHANNEL_WEIGHT = 1.0
RANK_DECAY = 0.1  # channels without comparable scores: 1 / (1 + decay * (rank - 1))
PAIR_WEIGHT = 0.3  # query words found together (lexical.py), on top of the words alone
PHRASE_WEIGHT = 0.3  # a phrase the query quotes, found as written (query.quoted_phrases)
UNRANKED_FACTOR = 0.5  # matches listed newest-first, not ranked, count for less
NEIGHBOUR_SHARE = 0.2  # a message lends this share of its score to the next/previous one
NEIGHBOUR_SPAN = 2  # ... and half as much again to the ones two steps away
NEIGHBOUR_SEEDS = 30  # only the best hits lend context: lower ones would not reach the top
SPEAKER_FACTOR = 1.8  # messages said by someone the query names ("what did Ana say")
QUESTION_FACTOR = 0.7  # a message that only asks: its answer, which it lends to, tells more
SUPERSEDED_FACTOR = 0.35
TIME_MATCH_FACTOR = 2.0
# Spoken time is fuzzy at its edges ("last week" for a jog on the Saturday before it): a
# message just outside the range asked for, by up to half the range's length and at most
# TIME_EDGE_MAX, gets half the boost.
TIME_EDGE_SHARE = 0.5
TIME_EDGE_MAX = timedelta(days=3.5)
RECENCY_HALF_LIFE_DAYS = 180.0
RECENCY_WEIGHT = 0.15
RELATION_FACTOR = 0.5
CONTENT_CHANNELS = {"lexical", "vector"}  # hits on what was said, which context can extend
MEANING_CHANNELS = {"vector"}  # found by nearness of meaning, not by words


@dataclass
class Fused:
    key: int
    score: float
    channels: list[str] = field(default_factory=list)
    by_meaning: float = 0.0  # the part of `score` the MEANING_CHANNELS gave

    def scale_words(self, factor: float) -> None:
        """Scale the part of the score that words earned (channels, neighbours), leaving
        what meaning gave: BM25's length normalisation is relative to the average message,
        which long answers inflate, and the length factor corrects it; a vector's nearness
        has no such bias."""
        self.score = (self.score - self.by_meaning) * factor + self.by_meaning


def add_scored(
    fused: dict[int, Fused], channel: str, scored: list[tuple[int, float]], weight: float
) -> None:
    """Add a channel whose scores are comparable (higher is better), scaled by the best."""
    top = max((s for _, s in scored), default=0.0)
    for key, score in scored:
        _add(fused, key, channel, weight * (score / top if top > 0 else 1.0))


def add_ranked(fused: dict[int, Fused], channel: str, keys: list[int], weight: float) -> None:
    for rank, key in enumerate(keys, start=1):
        _add(fused, key, channel, weight / (1.0 + RANK_DECAY * (rank - 1)))


def _add(fused: dict[int, Fused], key: int, channel: str, score: float) -> None:
    item = fused.setdefault(key, Fused(key, 0.0))
    item.score += score
    if channel in MEANING_CHANNELS:
        item.by_meaning += score
    if channel not in item.channels:
        item.channels.append(channel)


def stand_in_for_meaning(
    fused: dict[int, Fused], waiting: set[int], lexical_weight: float, vector_weight: float
) -> None:
    """A document still waiting for vectors (the daemon embeds a backlog while idle, newest
    first) cannot be found by meaning, and beside documents that can it would lose to any
    of them the vector channel ranks, relevant or not. Until it has vectors it is credited
    as if the vector channel agreed with its words: its word score, scaled to the vector
    channel's weight. Measured on LoCoMo dev with only the newest half of the messages
    embedded: hybrid R@10 0.780 without this, 0.808 with it (lexical alone 0.802, all
    embedded 0.839); crediting 70 % of the word score gave 0.806, crediting the vector
    channel's score for the rank the words give 0.799."""
    for key in waiting:
        item = fused.get(key)
        if item is None or "lexical" not in item.channels:
            continue
        words = (item.score - item.by_meaning) / lexical_weight
        item.score += vector_weight * min(words, 1.0)


def neighbour_offers(fused: dict[int, Fused]) -> dict[int, tuple[float, int]]:
    """Messages next to a good hit often hold the answer to what the hit asked or said
    ("Where did you go?" / "To Sweden."); each neighbour is offered a share of the score.
    Returns neighbour key -> (offered score, the key that offered it)."""
    offers: dict[int, tuple[float, int]] = {}
    best = sorted(fused.values(), key=lambda f: -f.score)[:NEIGHBOUR_SEEDS]
    for item in best:
        key = item.key
        if key <= 0 or not CONTENT_CHANNELS & set(item.channels):  # entries are not messages
            continue
        for step in range(1, NEIGHBOUR_SPAN + 1):
            share = item.score * NEIGHBOUR_SHARE / step
            for near in (key - step, key + step):
                if near > 0 and share > offers.get(near, (0.0, 0))[0]:
                    offers[near] = (share, key)
    return offers


_ATTACHMENT = re.compile(r"\[[^\]]*\]")  # "[image: a photo of ...]" describes, never asks
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def question_factor(text: str) -> float:
    """Between QUESTION_FACTOR (all questions) and 1.0 (no question), by the share of words
    in sentences that end with a question mark."""
    sentences = [s for s in _SENTENCE_END.split(_ATTACHMENT.sub(" ", text)) if s.strip()]
    words = sum(len(s.split()) for s in sentences)
    asked = sum(len(s.split()) for s in sentences if s.rstrip().endswith("?"))
    return 1.0 - (1.0 - QUESTION_FACTOR) * asked / words if words else 1.0


def importance_factor(importance: float) -> float:
    """1.0 at the default importance 0.5; between 0.75 and 1.25."""
    return 0.75 + 0.5 * max(0.0, min(1.0, importance))


def recency_factor(ts: str | None, now: datetime) -> float:
    """A gentle boost for fresh memories; old ones are never buried."""
    moment = parse_iso(ts)
    if moment is None:
        return 1.0
    age_days = max(0.0, (now - moment).total_seconds() / 86400)
    return 1.0 + RECENCY_WEIGHT * math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)


def time_factor(ts: str | None, start: datetime, end: datetime) -> float:
    """TIME_MATCH_FACTOR inside the range a query's time phrase names, half of its boost
    near the range's edges, 1.0 elsewhere."""
    moment = parse_iso(ts)
    if moment is None:
        return 1.0
    return period_factor(moment, moment, start, end)


def period_factor(first: datetime, last: datetime, start: datetime, end: datetime) -> float:
    """time_factor for a period a message names ("on February 27th", "mid-February"): the
    boost when all of it lies in the range asked for, half when it lies within the edges,
    so a year a message mentions does not match every month of it."""
    if start <= first and last < end:
        return TIME_MATCH_FACTOR
    edge = min((end - start) * TIME_EDGE_SHARE, TIME_EDGE_MAX)
    if start - edge <= first and last < end + edge:
        return 1.0 + (TIME_MATCH_FACTOR - 1.0) / 2
    return 1.0

"""Reciprocal rank fusion of channels, then lifecycle and time adjustments.

RRF uses ranks, not raw scores, so channels with incomparable scales (BM25, cosine, exact
name match) combine without calibration; a weight per channel says how much each is trusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

RRF_K = 60
CHANNEL_WEIGHTS = {"exact": 4.0, "lexical": 1.0, "vector": 1.0, "recent": 1.0}
SUPERSEDED_FACTOR = 0.35
TIME_MATCH_FACTOR = 2.0
RECENCY_HALF_LIFE_DAYS = 180.0
RECENCY_WEIGHT = 0.15
RELATION_FACTOR = 0.5


@dataclass
class Fused:
    key: int
    score: float
    channels: list[str] = field(default_factory=list)


def reciprocal_rank_fusion(ranked: dict[str, list[int]]) -> dict[int, Fused]:
    fused: dict[int, Fused] = {}
    for channel, keys in ranked.items():
        weight = CHANNEL_WEIGHTS.get(channel, 1.0)
        for rank, key in enumerate(keys, start=1):
            item = fused.setdefault(key, Fused(key, 0.0))
            item.score += weight / (RRF_K + rank)
            item.channels.append(channel)
    return fused


def importance_factor(importance: float) -> float:
    """1.0 at the default importance 0.5; between 0.75 and 1.25."""
    return 0.75 + 0.5 * max(0.0, min(1.0, importance))


def recency_factor(ts: str | None, now: datetime) -> float:
    """A gentle boost for fresh memories; old ones are never buried."""
    moment = parse_ts(ts)
    if moment is None:
        return 1.0
    age_days = max(0.0, (now - moment).total_seconds() / 86400)
    return 1.0 + RECENCY_WEIGHT * math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)


def parse_ts(ts: str | None) -> datetime | None:
    if not ts:
        return None
    text = ts.replace("Z", "+00:00")
    if len(text) == 7:  # "2023-05"
        text += "-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_range(ts: str | None, start: datetime, end: datetime) -> bool:
    moment = parse_ts(ts)
    return moment is not None and start <= moment < end

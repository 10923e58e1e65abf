"""Keywords and names from plain text, without a model: what zero-LLM digests are titled
and tagged with.

Keywords are content words weighted by how often the text uses them against how rare they
are among all stored events (tf-idf). Names are runs of capitalized words; a capitalized
word at the start of a sentence counts only if it is capitalized mid-sentence elsewhere
too, so "Booked the flat" does not make "Booked" a name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

from amber.retrieval.query import STOPWORDS

CANDIDATES = 30  # most frequent words whose rarity is looked up
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]{3,}", re.UNICODE)
_NAME = re.compile(r"\b[A-Z][\w’'-]*[^\W_](?:\s+[A-Z][\w’'-]*[^\W_]){0,2}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n]\s*|[\"“(]\s*)$")
MORE_STOPWORDS = frozenset(
    "yes yeah okay ok thanks thank hey hello hi sure really great good nice well one two "
    "lot much going think want need make see way today tomorrow yesterday time called "
    "started last next week weeks month months year years day days thing things".split()
)
CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
IGNORED = STOPWORDS | MORE_STOPWORDS


def words(text: str) -> list[str]:
    found = (w.casefold().strip("'’-") for w in _WORD.findall(text))
    return [w for w in found if len(w) > 2 and w not in IGNORED]


def keywords(
    texts: list[str], frequency: Callable[[str], int], total: int, top: int = 6
) -> list[str]:
    counts = Counter(w for text in texts for w in words(text))
    scored = []
    for word, tf in counts.most_common(CANDIDATES):
        idf = math.log((total + 1) / (frequency(word) + 1)) + 1.0
        scored.append((-tf * idf, word))
    return [word for _, word in sorted(scored)[:top]]


def names(texts: list[str], known: set[str] | None = None, top: int = 8) -> list[str]:
    """Capitalized names, most mentioned first (ties: first mentioned first). `known`
    names (the speakers) count as names even at the start of a sentence."""
    mid: set[str] = set(known or ())
    found: list[tuple[str, bool]] = []
    for text in texts:
        for match in _NAME.finditer(text):
            name = match.group(0)
            starts = bool(_SENTENCE_START.search(text[: match.start()]))
            found.append((name, starts))
            if not starts:
                mid.update(name.split())
    counts: Counter[str] = Counter()
    for name, starts in found:
        name = _trim(name, mid if starts else None)
        if name and name.casefold() not in CALENDAR:
            counts[name] += 1
    return [n for n, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:top]]


def _trim(name: str, known_mid: set[str] | None) -> str:
    """Drop leading function words ('The Louvre' -> 'Louvre'); a sentence-initial word is
    kept only if it also appears capitalized mid-sentence."""
    parts = name.split()
    while parts and (parts[0].casefold() in IGNORED or len(parts[0]) < 2):
        parts = parts[1:]
    if known_mid is not None and parts and parts[0] not in known_mid:
        parts = parts[1:] if len(parts) > 1 and parts[1] in known_mid else []
    return " ".join(parts)

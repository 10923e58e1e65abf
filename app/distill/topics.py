"""Topics without a model: the things a person's statements keep coming back to.

A topic is the head of a noun phrase ("a pottery class" -> "class", "my guinea pig" ->
"guinea pig") that several statements share. Noun phrases are found the way English marks
them: a run of content words after a determiner, a possessive or a preposition ("my",
"the", "Maria's", "with"), so verbs ("accepted"), adverbs and most adjectives never name
a topic. Among shared phrases the ones rare in general English win ("pottery" before
"family"), and each statement is filed under one topic only: the grouping is a greedy
cover, largest weighted group first, so the same statements always give the same topics.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from amber.distill.wording import REACTIONS, STOPWORDS, rarity

MIN_TOPIC = 3  # statements sharing a phrase before it makes a topic
MIN_RARITY = 1.0  # rarer than "family" or "kids": a word worth a page
SINGULAR_SLACK = 1.0  # a singular this much rarer than its plural is another word
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+")
_MARKERS = frozenset(
    """a an the my your his her our their its this that these those some any no every each
    another of for with in on at to from about into by like over under through during
    after before near""".split()
)
# When something happened is not what it was about ("next month", "last weekend").
TIME_WORDS = frozenset(
    """day days week weeks weekend weekends month months year years today tomorrow
    yesterday tonight morning afternoon evening night time times moment moments hour
    hours minute minutes summer winter spring fall autumn season next last ago monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july
    august september october november december""".split()
)
_MODIFIER_ENDINGS = re.compile(r"(?:ly|ed)$")  # adverbs, past participles


def noun_phrases(sentence: str) -> list[tuple[str, ...]]:
    """Runs of content words after a determiner, possessive or preposition, lowercased."""
    tokens = _TOKEN.findall(sentence)
    phrases: list[tuple[str, ...]] = []
    run: list[str] | None = None
    for token in tokens:
        low = token.casefold().replace("’", "'")
        opens = low in _MARKERS or low.endswith("'s")
        if run is not None and _is_content(low) and not opens and low not in TIME_WORDS:
            run.append(_singular(low))
            continue
        if run:
            phrases.append(tuple(run))
        run = [] if opens else None
    if run:
        phrases.append(tuple(run))
    return phrases


def _is_content(word: str) -> bool:
    return word.isalpha() and len(word) > 2 and word not in STOPWORDS and word not in REACTIONS


def _singular(word: str) -> str:
    """'agencies' -> 'agency', 'classes' -> 'class', 'kids' -> 'kid'; a word whose
    shorter form is not a word in its own right ('trans', 'news') stays."""
    if word.endswith("ies") and len(word) > 4:
        shorter = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        shorter = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        shorter = word[:-1]
    else:
        return word
    return shorter if rarity(shorter) <= rarity(word) + SINGULAR_SLACK else word


def topic_terms(sentence: str, leave_out: set[str]) -> set[str]:
    """The topics a sentence could be filed under: the words of its noun phrases ("a
    pottery class" -> "pottery", "class") and their last two words ("pottery class")."""
    terms: set[str] = set()
    for phrase in noun_phrases(sentence):
        words = [w for w in phrase if w not in leave_out and not _MODIFIER_ENDINGS.search(w)]
        terms.update(w for w in words if rarity(w) >= MIN_RARITY)
        if len(phrase) > 1 and phrase[-2] in words and phrase[-1] in words:
            terms.add(f"{phrase[-2]} {phrase[-1]}")
    return terms


def group_by_topic(
    sentences: Sequence[str], leave_out: set[str]
) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """(topic, indexes of the sentences filed under it) largest first, and the indexes
    that fit no topic."""
    terms = [topic_terms(s, leave_out) for s in sentences]
    left = list(range(len(sentences)))
    groups: list[tuple[str, list[int]]] = []
    while True:
        counts = Counter(t for i in left for t in terms[i])
        best = max(counts.items(), key=lambda tc: (tc[1] * _weight(tc[0]), tc[0]), default=None)
        if best is None or best[1] < MIN_TOPIC:
            return groups, left
        members = [i for i in left if best[0] in terms[i]]
        groups.append((best[0], members))
        left = [i for i in left if i not in members]


def _weight(term: str) -> float:
    """Rarer words and two-word phrases name a topic better."""
    parts = term.split()
    return (1 + max(rarity(p) for p in parts)) * (1.2 if len(parts) > 1 else 1.0)

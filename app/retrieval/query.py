"""Turning what a person typed into an FTS5 match expression."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
# Function words carry no topic; matching them would rank by chance and slow FTS down.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t don shall may might must also ever get got tell told
    know like let lets please remember recall
    """.split()
)


def terms(text: str) -> list[str]:
    """Lowercased content words in order of appearance, without duplicates."""
    words = [w.lower() for w in _WORD.findall(text)]
    content = [w for w in words if w not in STOPWORDS]
    chosen = content or words
    return list(dict.fromkeys(w for w in chosen if w.strip("_")))


# Text in double quotes (straight or curly), or in single quotes that are not apostrophes
# (no letter on their outer side): 'The Power', "connection refused".
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|‘([^’]+)’|(?<!\w)\'([^\']+)\'(?!\w)')
MAX_PHRASES = 8


def quoted_phrases(text: str) -> re.Pattern[str] | None:
    """The phrases the query quotes, of two words or more (at most MAX_PHRASES), as one
    pattern for the words in that order, whatever the case and the punctuation between
    them; every word counts inside quotes, "the" too ("The Power" is a title, "power" a
    word). None when nothing is quoted."""
    phrases: list[list[str]] = []
    for found in _QUOTED.finditer(text):
        words = _WORD.findall(next(group for group in found.groups() if group).lower())
        if len(words) >= 2 and words not in phrases:
            phrases.append(words)
    if not phrases:
        return None
    spelled = (r"\W+".join(map(re.escape, words)) for words in phrases[:MAX_PHRASES])
    return re.compile(rf"(?<!\w)(?:{'|'.join(spelled)})(?!\w)", re.IGNORECASE)


def match_expression(query_terms: list[str]) -> str:
    """OR of quoted terms: BM25 rewards documents that match more of them."""
    return " OR ".join(f'"{t}"' for t in query_terms)


def without_words(text: str, dropped: set[str]) -> str:
    """The text without the given (lowercase) words, possessives included ("Ana's"); the
    text unchanged when no content word would be left."""
    kept = [w for w in text.split() if _bare(w) not in dropped]
    return " ".join(kept) if any(t not in STOPWORDS for t in terms(" ".join(kept))) else text


def _bare(word: str) -> str:
    found = _WORD.findall(word.lower())
    return found[0] if found else ""

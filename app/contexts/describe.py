"""What a folder holds, in one line, and the topics its entries share.

The domains Amber fills itself get a fixed line (people/, episodes/, conversations/...),
and a year or month folder below one of them says which period it holds; any other folder
is described by its name and what its entries share: the tags they carry (the distiller
tags pages with their keywords, amber/distill/digest.py and amber/distill/episodes.py),
then the words at least two of their titles use. In Amber's own domains titles are names
and dates, so there only tags count as topics. Real words of the tree, never filler.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from amber.contexts.folders import Folder
from amber.retrieval.query import STOPWORDS
from amber.store.outline import ListedEntry

TOPICS = 5
SHARED_FROM = 4  # in a folder of this many entries, a topic is one at least two share
ROOT = "Everything Amber keeps, by domain: read a folder's context.md, then open what you need."
DOMAINS = {
    "people": "People: a page each, the most telling things they said about themselves, "
    "tagged with the topics they come back to.",
    "episodes": "Conversations between people: a page per conversation and day (a long day "
    "in parts), by year.",
    "conversations": "Digests of chats with assistants and of agent sessions: one per "
    "conversation, by month.",
    "projects": "Projects, a folder each: the standing instructions, decisions, commands, "
    "errors and their fixes, and files that coding-agent sessions show.",
    "places": "Places: every statement that names one, dated.",
    "organisations": "Organisations (employers, companies, groups): every statement that "
    "names one, dated.",
    "pets": "Pets: every statement that names one, dated.",
    "preferences": "Preferences: what is liked, and how things should be done.",
    "decisions": "Decisions: what was decided, and why.",
    "procedures": "Procedures: how things are done, step by step.",
    "events": "Events: what happened, and when.",
    "notes": "Notes that belong in no other folder.",
    "screen": "Text read from the screen: a digest per day, by month.",
    "file": "Files from the watched folders: a digest per day, by month.",
    "shell": "Shell commands: a digest per day, by month.",
}
PERIOD_NOUNS = {
    "episodes": "Episodes",
    "conversations": "Conversation digests",
    "screen": "Screen digests",
    "file": "File digests",
    "shell": "Shell digests",
}
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})[_-](\d{2})$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]", re.UNICODE)
# Words that say when or how much, not what about.
_NOT_TOPICS = STOPWORDS | frozenset(
    "and with from part continued conversation untitled note notes entry entries".split()
)


def description(folder: Folder) -> str:
    if not folder.path:
        return ROOT
    parts = folder.path.split("/")
    if len(parts) == 1 and folder.name in DOMAINS:
        return DOMAINS[folder.name]
    when = period(folder.name)
    if when and len(parts) == 2 and parts[0] in DOMAINS:
        return f"{PERIOD_NOUNS.get(parts[0], 'Entries')} of {when}."
    if folder.name == "undated" and parts[0] in DOMAINS:
        return f"{PERIOD_NOUNS.get(parts[0], 'Entries')} without a date."
    named = when or _spoken(folder.name)
    shared = topics(folder)
    return f"{named}: {', '.join(shared)}." if shared else f"{named}."


def shows_topics(folder: Folder) -> bool:
    """Whether the context.md says its topics on a line of their own (a description made
    of them names them already)."""
    return _amber_domain(folder)


def _amber_domain(folder: Folder) -> bool:
    """The root, or a folder in one of the domains Amber fills itself."""
    return not folder.path or folder.path.split("/")[0] in DOMAINS


def period(name: str) -> str:
    """'2023' -> '2023', '2023_05' -> 'May 2023'; '' for any other name."""
    if _YEAR.match(name):
        return name
    month = _MONTH.match(name)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{MONTHS[int(month.group(2)) - 1]} {month.group(1)}"
    return ""


def topics(folder: Folder) -> list[str]:
    """The tags most of the folder's entries carry, then (outside Amber's own domains) the
    words their titles share."""
    own = {w.casefold() for part in folder.path.split("/") for w in re.split(r"[\W_]+", part)}
    needed = 2 if folder.total >= SHARED_FROM else 1
    tags = sorted(folder.tags, key=lambda t: (-folder.tags[t], folder.tag_places[t], t))
    found = _kept([_spoken_tag(t) for t in tags if folder.tags[t] >= needed], own)
    if len(found) < TOPICS and not _amber_domain(folder):
        words = _title_words(folder.below())
        shared = sorted((w for w, n in words.items() if n >= 2), key=lambda w: (-words[w], w))
        found += _kept(shared, own | {f.casefold() for f in found})
    return found[:TOPICS]


def _kept(words: list[str], left_out: set[str]) -> list[str]:
    """The first few words not left out, each once whatever its case."""
    kept: dict[str, str] = {}
    for word in words:
        if word.casefold() not in left_out:
            kept.setdefault(word.casefold(), word)
    return list(kept.values())[:TOPICS]


def _title_words(entries: Iterable[ListedEntry]) -> Counter[str]:
    """Content words of the titles, each title counted once, in the case first seen."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for entry in entries:
        words = {w.strip("'’-") for w in _WORD.findall(entry.title)}
        for word in words:
            key = word.casefold()
            if len(key) > 2 and key not in _NOT_TOPICS:
                counts[shown.setdefault(key, word)] += 1
    return counts


def _spoken(name: str) -> str:
    """A folder name as words: 'close_friends' -> 'Close friends'."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else name


def _spoken_tag(tag: str) -> str:
    return " ".join(tag.replace("-", " ").replace("_", " ").split()) or tag

"""Pages for the named things people talk about: `places/`, `organisations/`, `pets/`.

A capitalised name that is neither a speaker nor a person (amber/distill/people.py) gets a
page once at least two statements name it and the words around it say what it is:
"moved to Utrecht" (a place), "lost my job at Door Dash" (an organisation), "our cat
Bailey" (a pet). A name nothing marks (a brand, a book title, OCR noise) gets no page: a
wrong page is worse than none. The page lists every statement that names the thing, one
dated line each citing its message.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from amber.distill.pages import Citations, Fact, Page, dated_line, day_span, first_day
from amber.distill.statements import Reading, Statement
from amber.events import Event

MIN_MENTIONS = 2  # statements naming a thing before it gets a page
CUE_SHARE = 5  # one statement in this many must say what the thing is
MAX_LINES = 30  # the most recent; the rest stay in the episodes
FOLDERS = {"place": "places", "organisation": "organisations", "pet": "pets"}
DESCRIBED = {"place": "a place", "organisation": "an organisation", "pet": "a pet"}

_ANIMAL = (
    r"(?:dog|dogs|puppy|pup|cat|cats|kitten|kitty|pet|pets|horse|pony|bird|parrot|rabbit|"
    r"bunny|hamster|guinea pig|turtle|tortoise|snake|lizard|fish)"
)
_WORK = (
    r"(?:work|works|worked|working|job|jobs|intern|internship|interned|hired|employed|"
    r"employer|company|volunteer|volunteered|volunteering|shift|shifts|startup|firm)"
)
_GOING = (
    r"(?:visit|visited|visiting|moved to|move to|moving to|trip to|flew to|fly to|flying to|"
    r"travell?ed to|went to|been to|going to|back to|back from|lives? in|lived in|living in|"
    r"born in|grew up in|stay(?:ed|ing)? in|vacation in|holiday in|road ?trip to|live near|"
    r"from)"
)
# What the words around a name say it is; NAME stands for the escaped name.
_CUES = {
    "pet": (
        rf"\b{_ANIMAL}\b(?:\s+(?:named|called))?,?\s+NAME\b",
        rf"\bNAME,?\s+(?:my|our|the|his|her|their)\s+{_ANIMAL}\b",
        rf"\bNAME\s+(?:is|was)\s+(?:a|my|our)\s+(?:\w+\s+)?{_ANIMAL}\b",
    ),
    "organisation": (
        rf"\b{_WORK}\b[^.!?]{{0,40}}?\b(?:at|for)\s+NAME\b",
        r"\bNAME\s+(?:hired|offered|laid off|fired|promoted|pays?)\b",
    ),
    "place": (rf"\b{_GOING}\s+NAME\b",),
}


def thing_key(name: str) -> str:
    return f"thing:{name}"


def things_named(statements: list[Statement], people: set[str]) -> list[str]:
    """Names these statements mark as a place, an organisation or a pet."""
    found: list[str] = []
    for statement in statements:
        for name in statement.names:
            if name in people or name in found:
                continue
            if _kind_of(name, statement.said):
                found.append(name)
    return found


def build_thing(name: str, events: list[Event], reading: Reading) -> list[Page]:
    """The thing's page from the messages that name it; [] when fewer than MIN_MENTIONS
    statements name it or nothing says what it is."""
    named = re.compile(rf"\b{re.escape(name)}\b")
    statements = [s for e in events for s in reading.statements(e) if named.search(s.said)]
    if len(statements) < MIN_MENTIONS:
        return []
    kinds = Counter(k for s in statements if (k := _kind_of(name, s.said)))
    if not kinds:
        return []
    kind, cues = kinds.most_common(1)[0]
    if cues * CUE_SHARE < len(statements):
        return []  # "LGBTQ support group", "LGBTQ rights": mostly a word, not a thing
    return [_thing_page(name, kind, statements)]


def _kind_of(name: str, said: str) -> str:
    for kind, patterns in _compiled(name):
        if any(p.search(said) for p in patterns):
            return kind
    return ""


@lru_cache(maxsize=1024)
def _compiled(name: str) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    escaped = re.escape(name)
    return tuple(
        (kind, tuple(re.compile(p.replace("NAME", escaped), re.IGNORECASE) for p in patterns))
        for kind, patterns in _CUES.items()
    )


def _thing_page(name: str, kind: str, statements: list[Statement]) -> Page:
    shown = statements[-MAX_LINES:]
    speakers = Counter(s.speaker for s in statements if s.speaker)
    by = f", by {', '.join(s for s, _ in speakers.most_common(3))}" if speakers else ""
    head = f"{name}: {DESCRIBED[kind]}, named in {len(statements)} statements{by}"
    citations = Citations()
    lines = [dated_line(s, citations) for s in shown]
    earlier = len(statements) - len(shown)
    more = f"\n{earlier} earlier statements are in the episodes.\n" if earlier else ""
    body = f"{head}, {day_span(statements)}.\n\n" + "\n".join(lines) + "\n" + more
    return Page(
        key=thing_key(name),
        title=name,
        kind="fact",
        folder=FOLDERS[kind],
        body=body + citations.footer(),
        events=list(dict.fromkeys(s.event for s in statements)),
        tags=[kind],
        valid_from=first_day(statements),
        facts=[Fact(s.text, s.said, s.event) for s in shown],
    )

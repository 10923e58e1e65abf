"""People pages: `people/<name>.md`, what the conversations say about one person.

A person's page is a profile: the most telling things they said about themselves (who
they are, life events, likes, plans), one dated line each citing its message, tagged with
the topics they keep coming back to (amber/distill/topics.py). The full record stays in
the episodes (amber/distill/episodes.py), so a fact is written once and the page stays
short enough to read. Someone others talk about ("my sister Anna", "Anna and I") gets a
page once two statements name them; a capitalised word nothing marks as a person (a
place, a brand, OCR noise) gets none.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from amber.distill.pages import Citations, Fact, Page, dated_line, day_span, first_day
from amber.distill.statements import Reading, Statement, without_question
from amber.distill.topics import group_by_topic
from amber.events import Event

MIN_MENTIONS = 2  # statements naming someone before they get a page
SECTIONS = (
    ("attribute", "About"),
    ("life", "Life events"),
    ("preference", "Likes and interests"),
    ("plan", "Plans"),
    ("event", "What happened"),
    ("mention", "Mentioned"),
    ("image", "Pictures"),
)
# The page is a profile; the full record is in the episodes. Six lines, and the topics
# only as tags: longer profiles and a line per topic made the tree 6% bigger and found
# no more answers (scripts/bench_tree.py).
PROFILE_FACTS = 6
TAGS = 5
RELATIONS = (
    "friend|friends|sister|brother|sibling|mom|mother|mum|dad|father|son|daughter|wife|"
    "husband|partner|boyfriend|girlfriend|fiance|fiancee|cousin|aunt|uncle|grandma|"
    "grandmother|grandpa|grandfather|niece|nephew|neighbor|neighbour|coworker|colleague|"
    "boss|buddy|mentor|teacher|coach|roommate|classmate|kid|child|baby|pal|bestie"
)
_PERSON_CUE = re.compile(
    rf"\b(?:{RELATIONS}),?\s+(?P<after>[A-Z][a-z]+)|(?P<before>[A-Z][a-z]+)\s+and\s+(?:I|me)\b"
)


def person_key(name: str) -> str:
    return f"person:{name}"


def people_named(statements: list[Statement]) -> list[str]:
    """Names marked as people somewhere in these statements' words."""
    found: list[str] = []
    for statement in statements:
        for match in _PERSON_CUE.finditer(statement.said):
            name = match.group("after") or match.group("before")
            if name and name not in found:
                found.append(name)
    return found


def build_person(name: str, events: list[Event], reading: Reading) -> list[Page]:
    """The person's page from the messages they wrote or that name them; [] if fewer
    than MIN_MENTIONS statements are about them (one for someone who speaks)."""
    statements = _about(name, events, reading)
    speaks = any(e.author == name for e in events)
    if len(statements) < (1 if speaks else MIN_MENTIONS):
        return []
    leave_out = {n.casefold() for e in events for n in reading.context(e).participants}
    leave_out.add(name.casefold())
    return [_person_page(name, statements, _topics(statements, leave_out), speaks)]


def _about(name: str, events: list[Event], reading: Reading) -> list[Statement]:
    named = re.compile(rf"\b{re.escape(name)}\b")
    about: list[Statement] = []
    for event in events:
        for statement in reading.statements(event):
            if event.author == name or named.search(statement.said):
                about.append(statement)
    return about


def _topics(statements: list[Statement], leave_out: set[str]) -> list[str]:
    """What the person keeps coming back to, most statements first: the page's tags."""
    # A picture's caption describes the picture ("a dog walking past a wall"), not a topic.
    said = ["" if s.kind == "image" else s.said for s in statements]
    groups, _rest = group_by_topic(said, leave_out)
    return [topic for topic, _members in groups]


def _person_page(
    name: str,
    statements: list[Statement],
    topics: list[str],
    speaks: bool,
) -> Page:
    said = "what they said about themselves" if speaks else "what others said about them"
    others = Counter(s.speaker for s in statements if s.speaker and s.speaker != name)
    told = f", told by {', '.join(o for o, _ in others.most_common(3))}" if others else ""
    parts = [f"{name}: {said}{told}, {day_span(statements)}.\n"]
    profile = _profile(statements)
    citations = Citations()
    for kind, heading in SECTIONS:
        lines = [dated_line(s, citations) for s in profile if s.kind == kind]
        if lines:
            parts.append(f"## {heading}\n" + "\n".join(lines) + "\n")
    return Page(
        key=person_key(name),
        title=name,
        kind="person",
        folder="people",
        body="\n".join(parts) + citations.footer(),
        events=list(dict.fromkeys(s.event for s in statements)),
        tags=topics[:TAGS],
        valid_from=first_day(statements),
        facts=[Fact(s.text, s.said, s.event) for s in profile],
    )


def _profile(statements: list[Statement]) -> list[Statement]:
    """The most telling statements about the person, in the order they were said: what
    they are, like and plan first, then what they did. Without the questions they answered:
    the page's headings say what each line is, and the episode keeps the question."""
    about = [s for s in statements if s.kind != "image"] or statements
    ranked = sorted(about, key=lambda s: (not (s.about_speaker or s.kind == "life"), -s.score))
    best = set(ranked[:PROFILE_FACTS])
    return [replace(s, text=without_question(s.text)) for s in about if s in best]

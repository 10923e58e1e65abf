"""Episodes: one page per conversation and day, the day's informative statements in the
order they were said, each citing its message, linking the pages of the people in it.
"""

from __future__ import annotations

from collections import Counter

from amber.distill.batching import event_day
from amber.distill.pages import Citations, Fact, Page, human_date
from amber.distill.statements import Reading, Statement
from amber.distill.topics import TIME_WORDS
from amber.distill.wording import content_words, words
from amber.events import Event
from amber.tree import layout

TITLE_TOPICS = 3
# A part of an episode holds this many statements: a page read in a hundred words, found
# by what it is about rather than lost in a day of talk (scripts/bench_tree.py: parts of
# 4 beat whole days by 0.06 of answer-word recall at 100 words, parts of 3 beat 4 by 0.01).
PART_STATEMENTS = 3
MAX_PARTS = 50  # a day of thousands of messages (a busy group chat) grows its parts instead


def episode_key(event: Event) -> str:
    return f"episode:{event.source}:{event.conversation}:{event_day(event)}"


def part_key(key: str, n: int) -> str:
    return f"{key}#{n}"


def parts_prefix(key: str) -> str:
    """What every part key of an episode starts with, and no other episode's key does."""
    return part_key(whole_key(key), 0)[:-1]


def whole_key(key: str) -> str:
    """The episode a part's key belongs to ("...:2023-05-08#2" -> "...:2023-05-08"); a
    conversation id may hold '#' itself, so only a final '#<number>' is a part."""
    head, mark, number = key.rpartition("#")
    return head if mark and number.isdigit() else key


def episode_scope(key: str) -> tuple[str, str, str]:
    """(source, conversation, day) of an episode key."""
    _, rest = key.split(":", 1)
    source, rest = rest.split(":", 1)
    conversation, day = rest.rsplit(":", 1)
    return source, conversation, day


def build_episode(key: str, events: list[Event], reading: Reading) -> list[Page]:
    """The episode of these events (one conversation, one day), in parts of a few
    statements each; [] if nothing in them is worth a line."""
    statements = [s for e in events for s in reading.statements(e)]
    if not statements:
        return []
    parts = _parts(statements)
    closing = _closing(_speakers(statements))  # said once per episode, on its first part
    return [
        _part_page(part_key(key, n), part, events[0], closing if n == 1 else "", (n, len(parts)))
        for n, part in enumerate(parts, 1)
    ]


def _parts(statements: list[Statement]) -> list[list[Statement]]:
    size = max(PART_STATEMENTS, -(-len(statements) // MAX_PARTS))
    return [statements[i : i + size] for i in range(0, len(statements), size)]


def _speakers(statements: list[Statement]) -> list[str]:
    return list(dict.fromkeys(s.speaker for s in statements if s.speaker))


def _part_page(
    key: str, statements: list[Statement], first: Event, closing: str, place: tuple[int, int]
) -> Page:
    n, of = place
    day = event_day(first)
    speakers = _speakers(statements)
    citations = Citations()
    lines = [f"- {s.text}{citations.mark([s.event])}" for s in statements]
    body = _opening(day) + "\n".join(lines) + "\n" + closing + citations.footer()
    title = _title(speakers, day, statements) + (f" ({n}/{of})" if of > 1 else "")
    return Page(
        key=key,
        facts=[Fact(s.text, s.said, s.event) for s in statements],
        title=title,
        kind="event",
        folder=f"episodes/{day[:4] or 'undated'}",
        body=body,
        events=list(dict.fromkeys(s.event for s in statements)),
        valid_from=day or None,
        tags=[layout.slugify(t) for t in topics(statements)],
    )


def _opening(day: str) -> str:
    """The day, once: every line names its speaker, the title says who talked."""
    return f"{human_date(day)}:\n\n" if day else ""


def _closing(speakers: list[str]) -> str:
    """Links to the pages of everyone with a line that day (a speaker who only said hello
    has no page to link); where it was said is in each footnote's event."""
    links = ", ".join(f"[[{layout.slugify(s)}|{s}]]" for s in speakers)
    return f"\nPeople: {links}.\n" if links else ""


def _title(speakers: list[str], day: str, statements: list[Statement]) -> str:
    who = " and ".join(speakers[:3])
    found = topics(statements)
    head = f"{day} {who}".strip()
    return f"{head}: {', '.join(found)}" if found else head


def topics(statements: list[Statement]) -> list[str]:
    """The content words the day's statements use most (ties: first used first)."""
    counts: Counter[str] = Counter()
    names = {n.casefold() for s in statements for n in (s.speaker, *s.names) if n}
    for statement in statements:
        counts.update(set(content_words(words(statement.said))) - names - TIME_WORDS)
    ranked = [w for w, c in counts.most_common() if c > 1]
    return ranked[:TITLE_TOPICS]

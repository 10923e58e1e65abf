"""Zero-LLM digests: one entry per conversation of machine roles (user and assistant,
agent sessions), and per day of a source without conversations (screen text, files,
shell), titled and tagged from keywords and names, linking to its events. Conversations
between people become episodes and people pages instead (amber/distill/knowledge.py).

A digest is rebuilt from all stored events of its conversation or day, so new messages
extend it and running it again on the same events gives the same bytes.
"""

from __future__ import annotations

import math

from amber.distill.batching import event_day
from amber.distill.candidate import event_ref
from amber.distill.keywords import keywords, names, words
from amber.distill.pages import Page
from amber.events import Event
from amber.store import distill_events as queue
from amber.store.db import Database
from amber.text import one_line
from amber.tree import layout

HIGHLIGHTS = 8
HIGHLIGHT_CHARS = 160
TAGS = 5
FREQUENCY_CAP = 100_000


def digest_key(event: Event) -> str:
    if event.conversation:
        return f"thread:{event.source}:{event.conversation}"
    return f"day:{event.source}:{event_day(event)}"


def scope_events(db: Database, key: str) -> list[Event]:
    """Every stored event the digest with this key covers."""
    kind, rest = key.split(":", 1)
    source, _, where = rest.partition(":")
    if kind == "thread":
        return queue.thread_events(db, source, where)
    return queue.day_events(db, source, where)


def build_digest(db: Database, key: str, events: list[Event], continued: bool = False) -> Page:
    texts = [e.text for e in events]
    total = queue.event_total(db)
    terms = keywords(texts, lambda w: queue.event_frequency(db, w, FREQUENCY_CAP), total)
    speakers = list(dict.fromkeys(e.author for e in events if e.author))
    mentioned = [n for n in names(texts, set(speakers)) if n not in speakers]
    first = event_day(events[0])
    last = event_day(events[-1])
    title = _title(key, events, speakers, terms, first) + (" (continued)" if continued else "")
    body = _summary(key, events, speakers, first, last)
    if terms:
        body += f"\nTopics: {', '.join(terms)}\n"
    if mentioned:
        body += f"Names: {', '.join(mentioned)}\n"
    body += "\n## Highlights\n" + "\n".join(_highlights(events, set(terms), mentioned)) + "\n"
    return Page(
        key=key,
        title=title,
        kind="note",
        folder=_folder(events[0], first),
        body=body,
        events=events,
        valid_from=first or None,
        tags=[layout.slugify(t) for t in terms[:TAGS]],
        sources=list(dict.fromkeys(event_ref(e) for e in events)),
    )


def _title(key: str, events: list[Event], speakers: list[str], terms: list[str], day: str) -> str:
    topics = ", ".join(terms[:3])
    own = next((e.title for e in events if e.title), "")
    if key.startswith("thread:"):
        who = " and ".join(speakers[:3]) or events[0].source.capitalize()
        head = own or f"Conversation with {who}"
        return f"{head}: {topics}" if topics and not own else head
    return f"{events[0].source.capitalize()} {day}" + (f": {topics}" if topics else "")


def _summary(key: str, events: list[Event], speakers: list[str], first: str, last: str) -> str:
    span = first if first == last else f"{first} to {last}"
    count = f"{len(events)} message{'s' if len(events) != 1 else ''}"
    who = f" between {', '.join(speakers)}" if speakers else ""
    if key.startswith("thread:"):
        title = next((e.title for e in events if e.title), events[0].conversation)
        return f'Conversation "{title}" ({events[0].source}){who}: {count}, {span}.\n'
    return f"{events[0].source.capitalize()} captures of {span}: {count}.\n"


def _highlights(events: list[Event], terms: set[str], mentioned: list[str]) -> list[str]:
    """The messages densest in the digest's keywords and names, in their original order."""
    wanted = terms | {w for n in mentioned for w in words(n)}

    def score(event: Event) -> float:
        found = words(event.text)
        return sum(w in wanted for w in found) / math.sqrt(len(found) + 1)

    scores = [score(e) for e in events]
    ranked = sorted(range(len(events)), key=lambda i: (-scores[i], i))
    best = [i for i in ranked if scores[i] > 0][:HIGHLIGHTS] or ranked[:1]
    return [_line(events[i]) for i in sorted(best)]


def _line(event: Event) -> str:
    text = one_line(event.text)
    if len(text) > HIGHLIGHT_CHARS:
        text = text[:HIGHLIGHT_CHARS].rsplit(" ", 1)[0] + " …"
    who = f" {event.author}:" if event.author else ""
    return f"- {event_day(event)}{who} {text} ({event_ref(event)})"


def _folder(event: Event, day: str) -> str:
    domain = "conversations" if event.conversation else layout.folder_name(event.source)
    month = layout.folder_name(day[:7]) if day else "undated"
    return f"{domain}/{month}"

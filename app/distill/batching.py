"""Grouping pending events into batches a model can read in one prompt.

A batch holds events of one thread (a conversation, or one day of a source without
conversations), close in time (a long pause starts a new batch), and no more tokens than
the model's context leaves for them after the instructions and the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from amber.clock import parse_iso
from amber.distill.model import TokenCounter
from amber.events import Event
from amber.text import one_line

MAX_BATCH_EVENTS = 40  # more messages per prompt and small models start to miss facts
MAX_EVENT_CHARS = 1500  # a longer event is cut in the prompt (quotes are checked in full)
TIME_GAP = timedelta(hours=6)


def event_day(event: Event) -> str:
    return (event.timestamp or event.captured_at or "")[:10]


def thread_key(event: Event) -> tuple[str, str]:
    return event.source, event.conversation or event_day(event)


def render_line(local_id: str, event: Event) -> str:
    """How an event appears in a prompt: `[e3] 2023-05-08 14:02 Ana: text`."""
    when = (event.timestamp or "")[:16].replace("T", " ")
    who = event.author or event.source
    text = one_line(event.text)
    if len(text) > MAX_EVENT_CHARS:
        text = text[:MAX_EVENT_CHARS] + " …"
    return f"[{local_id}] {when} {who}: {text}".replace("]  ", "] ", 1)


@dataclass
class Batch:
    source: str
    thread: str
    events: list[Event] = field(default_factory=list)
    tokens: int = 0

    @property
    def title(self) -> str:
        return next((e.title for e in self.events if e.title), "")

    def local_ids(self) -> dict[str, Event]:
        return {f"e{i}": event for i, event in enumerate(self.events, start=1)}


def make_batches(
    events: list[Event], count: TokenCounter, budget: int, max_events: int = MAX_BATCH_EVENTS
) -> list[Batch]:
    """Events must come in thread order (see store.distill_events.pending)."""
    batches: list[Batch] = []
    current: Batch | None = None
    for event in events:
        tokens = count(render_line(f"e{max_events}", event))
        if current is None or _must_split(current, event, tokens, budget, max_events):
            current = Batch(*thread_key(event))
            batches.append(current)
        current.events.append(event)
        current.tokens += tokens
    return batches


def _must_split(batch: Batch, event: Event, tokens: int, budget: int, max_events: int) -> bool:
    if thread_key(event) != (batch.source, batch.thread) or len(batch.events) >= max_events:
        return True
    if batch.tokens + tokens > budget:
        return True
    last = parse_iso(batch.events[-1].timestamp)
    this = parse_iso(event.timestamp)
    return bool(last and this and this - last > TIME_GAP)

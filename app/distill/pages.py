"""The pages the zero-LLM distiller writes, and how they cite the messages behind them.

A page is a pure function of the stored events in its scope (a conversation's day for an
episode, everything a person said or is named in for a person page), so new messages
extend it, distilling twice changes nothing, and a conversation distilled in two halves
gives the same tree as one distilled whole.

Each fact line cites its messages with a footnote (`...[^3]`, and `[^3]: conversation:
trip#m2` at the page's end): compact, readable, clickable in Obsidian, and the indexer
reads the footnotes as the page's sources (amber/tree/entry.py `cited`), so `amber show`
resolves every line to its message without a frontmatter listing hundreds of ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from amber.distill.batching import event_day
from amber.distill.candidate import event_ref
from amber.distill.dates import day_words
from amber.events import Event

if TYPE_CHECKING:
    from amber.distill.statements import Statement


@dataclass
class Page:
    key: str  # what it covers, e.g. "episode:<source>:<conversation>:<day>", "person:<name>"
    title: str
    kind: str  # the entry kind
    folder: str
    body: str
    events: list[Event] = field(default_factory=list)
    valid_from: str | None = None
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # frontmatter; [] when lines cite
    facts: list[Fact] = field(default_factory=list)  # its cited lines


@dataclass(frozen=True)
class Fact:
    """A line of a page: its text, and the sentence of the message it came from."""

    text: str
    quote: str
    event: Event


class Citations:
    """Footnote numbers for the events lines cite, in order of first use."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def mark(self, events: list[Event]) -> str:
        refs = list(dict.fromkeys(event_ref(e) for e in events))
        key = ", ".join(refs)
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return f"[^{self._numbers[key]}]"

    def footer(self) -> str:
        if not self._numbers:
            return ""
        lines = [f"[^{number}]: {refs}" for refs, number in self._numbers.items()]
        return "\n" + "\n".join(lines) + "\n"


def human_date(day: str) -> str:
    """'2023-05-08' -> '8 May 2023': how people write and ask about dates."""
    try:
        return day_words(date.fromisoformat(day[:10]))
    except ValueError:
        return day


def dated_line(statement: Statement, citations: Citations) -> str:
    """A page's line: the day it was said, the statement, its footnote."""
    day = event_day(statement.event)
    when = f"{human_date(day)}: " if day else ""
    return f"- {when}{statement.text}{citations.mark([statement.event])}"


def first_day(statements: list[Statement]) -> str | None:
    """The day the earliest of these statements was said: when a page's subject enters
    the memory (its `valid_from`)."""
    return min((d for s in statements if (d := event_day(s.event))), default=None)


def day_span(statements: list[Statement]) -> str:
    """The days these statements were said over, in words."""
    days = sorted({d for s in statements if (d := event_day(s.event))})
    if not days:
        return "undated"
    first, last = human_date(days[0]), human_date(days[-1])
    return first if first == last else f"{first} to {last}"

"""The candidate documents of one recall: metadata loaded in a few queries, the factors
that adjust their scores, and the hits they become."""

from __future__ import annotations

from datetime import datetime

from amber.events import Event
from amber.retrieval import fusion, signals
from amber.retrieval.hits import Hit
from amber.retrieval.provenance import entry_sources, event_source
from amber.retrieval.time_match import TimeMatch
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store.db import Database


class Documents:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.entries: dict[int, entry_rows.EntryRow] = {}
        self.events: dict[int, Event] = {}
        self.lifecycle: dict[str, entry_rows.Lifecycle] = {}

    def load(self, keys: list[int]) -> None:
        missing = [k for k in keys if not self.has(k)]
        rows = entry_rows.entry_rows_by_rowid(self.db, [-k for k in missing if k < 0])
        self.entries.update((-rowid, row) for rowid, row in rows.items())
        self.events.update(event_rows.events_by_rowid(self.db, [k for k in missing if k > 0]))
        ids = [r.id for r in rows.values()]
        self.lifecycle.update(entry_rows.lifecycle_of(self.db, ids))

    def has(self, key: int) -> bool:
        return key in self.entries or key in self.events

    def text(self, key: int) -> str:
        if key in self.events:
            return self.events[key].text
        row = self.entries.get(key)
        return row.body if row else ""

    def own_words(self, key: int) -> str:
        """What a document says itself: a message's text, an entry's title and body."""
        row = self.entries.get(key)
        return f"{row.title}\n{row.body}" if row else self.text(key)

    def visible(self, key: int, flt: object) -> bool:
        """Archived entries stay out unless asked for (the FTS query no longer filters them,
        because reading the path of every match made each query slower)."""
        if key not in self.entries:
            return True
        as_of = getattr(flt, "as_of", "")
        if as_of:
            return not self._replaced_before(self.entries[key], as_of)
        if getattr(flt, "include_archived", False):
            return True
        return not self.entries[key].archived

    def _replaced_before(self, row: entry_rows.EntryRow, moment: str) -> bool:
        """Whether an entry that superseded this one was already valid at `moment`."""
        for newer_id in row.superseded_by():
            newer = entry_rows.entry_row(self.db, newer_id)
            since = newer and (newer.valid_from or newer.created)
            if since and since < moment:
                return True
        return False

    def links(self, key: int) -> list[str]:
        row = self.entries.get(key)
        return row.links() if row else []

    def factor(
        self,
        key: int,
        now: datetime,
        time_match: TimeMatch | None,
        speakers: set[str],
        answers_asked: bool = False,
    ) -> float:
        ts = self.timestamp(key)
        value = fusion.recency_factor(ts, now)
        if key in self.entries:
            row = self.entries[key]
            life = self.lifecycle.get(row.id, entry_rows.Lifecycle())
            value *= fusion.importance_factor(life.importance)
            if self._superseded(row):
                value *= fusion.SUPERSEDED_FACTOR
        elif key in self.events:
            event = self.events[key]
            value *= fusion.question_factor(event.text)
            value *= signals.role_factor(event.author, answers_asked)
            if event.author.casefold() in speakers:
                value *= fusion.SPEAKER_FACTOR
        if time_match:
            value *= time_match.factor(ts, self.text(key))
        return value

    def length_factor(self, key: int) -> float:
        """signals.length_factor of a loaded message or entry: a person page that names
        everyone matches a question's names by its size, not by answering it."""
        event = self.events.get(key)
        if event is not None:
            return signals.length_factor(event.text)
        row = self.entries.get(key)
        return signals.length_factor(row.body) if row else 1.0

    @staticmethod
    def _superseded(row: entry_rows.EntryRow) -> bool:
        return bool(row.superseded_by()) or row.archived

    def timestamp(self, key: int) -> str | None:
        if key < 0:
            row = self.entries.get(key)
            return row.when if row else None
        event = self.events.get(key)
        return event.timestamp if event else None

    def hit(self, fused: fusion.Fused, snippet: str, match: str) -> Hit:
        if fused.key < 0:
            return self._entry_hit(fused, snippet, match)
        event = self.events[fused.key]
        return Hit(
            id=event.id,
            type="event",
            title=_event_title(event),
            path=None,
            snippet=snippet,
            score=fused.score,
            channels=fused.channels,
            sources=[event_source(event)],
            kind="event",
            timestamp=event.timestamp,
            trust=event.trust,
            match=match,
        )

    def _entry_hit(self, fused: fusion.Fused, snippet: str, match: str) -> Hit:
        row = self.entries[fused.key]
        return Hit(
            id=row.id,
            type="entry",
            title=row.title,
            path=row.path,
            snippet=snippet,
            score=fused.score,
            channels=fused.channels,
            sources=entry_sources(self.db, row.sources()),
            kind=row.kind,
            timestamp=self.timestamp(fused.key),
            superseded=self._superseded(row),
            match=match,
        )


def _event_title(event: Event) -> str:
    author = event.author or event.source
    where = event.title or event.conversation
    return f"{author} in {where}" if where else author

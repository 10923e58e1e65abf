"""Resolving provenance: the events (or files, URLs) behind a memory."""

from __future__ import annotations

from amber.events import Event
from amber.retrieval.hits import SourceRef
from amber.store import events as event_rows
from amber.store.db import Database
from amber.tree.sources import source_kind


def event_source(event: Event) -> SourceRef:
    return SourceRef(
        event=event.id,
        source=event.source,
        uri=event.uri,
        conversation=event.conversation or None,
        message_id=event.message_id or None,
        timestamp=event.timestamp,
    )


def entry_sources(db: Database, refs: list[str]) -> list[SourceRef]:
    """Every source named in an entry's frontmatter, resolved to its event when stored."""
    found = event_rows.events_by_handle(db, refs)
    return [event_source(found[r]) if r in found else _unresolved(r) for r in refs]


def _unresolved(ref: str) -> SourceRef:
    return SourceRef(event=None, source=source_kind(ref), uri=ref)

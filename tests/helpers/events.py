"""Putting events straight into a store, as the importers and the daemon's sink would."""

from __future__ import annotations

from collections.abc import Iterable

from amber.events import EventDraft
from amber.service import MemoryService
from amber.store import events as event_rows


def store_events(service: MemoryService, drafts: Iterable[EventDraft]) -> int:
    """Insert `drafts` in one write transaction; returns how many were new."""
    with service.db.write() as conn:
        return event_rows.insert_events(conn, drafts)

"""Putting events straight into a store, through the same ingest path as the importers
and the daemon's sink."""

from __future__ import annotations

from collections.abc import Iterable

from amber.events import EventDraft
from amber.ingest import ingest
from amber.service import MemoryService


def store_events(service: MemoryService, drafts: Iterable[EventDraft]) -> int:
    """Ingest `drafts` in one write transaction; returns how many were new."""
    with service.db.write() as conn:
        return ingest(conn, drafts).added

"""What the distiller works with: the index and the one entry writer.
`MemoryService.distiller()` hands these over; the distiller never sees the service."""

from __future__ import annotations

from dataclasses import dataclass

from amber.store.db import Database
from amber.writing.writer import EntryWriter


@dataclass(frozen=True)
class DistillParts:
    db: Database
    writer: EntryWriter
    # A synced memory that another device distils (amber/sync/distilling.py): its name.
    distilled_by: str = ""

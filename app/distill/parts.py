"""What the distiller works with: the index, the one entry writer, and recall (to find the
entries a candidate memory may update). `MemoryService.distiller()` hands these over; the
distiller never sees the service."""

from __future__ import annotations

from dataclasses import dataclass

from amber.retrieval.recall import Recaller
from amber.store.db import Database
from amber.writing.writer import EntryWriter


@dataclass(frozen=True)
class DistillParts:
    db: Database
    writer: EntryWriter
    recaller: Recaller

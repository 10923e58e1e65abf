"""Archiving entries (`amber archive --stale --yes`): each moves to `_archive/` at the same
relative path, unchanged, as a logged operation that `amber undo` reverses. Archived
entries stay findable with `amber recall --all`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from amber.distill.writer import TreeWriter
from amber.errors import InvalidInputError
from amber.lifecycle import StaleEntry
from amber.tree.entry import new_id

if TYPE_CHECKING:
    from amber.service import MemoryService


def archive_entries(service: MemoryService, stale: list[StaleEntry]) -> list[str]:
    """Archive these entries (skipping any that moved or vanished); returns the op ids."""
    writer = TreeWriter(service.db, service.files, service.indexer, new_id())
    ops = []
    for item in stale:
        with writer.locked():
            entry = writer.read(item.path)
            if entry is None or entry.id != item.entry_id or entry.archived:
                continue
            reason = f"stale: importance {item.importance}, idle {item.idle_days} days"
            try:
                op = writer.plan_archive(entry, reason)
            except InvalidInputError:  # not UTF-8: left where it is, as doctor reports it
                continue
            ops.append(writer.commit(op))
    return ops

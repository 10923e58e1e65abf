"""Archiving entries (`amber archive --stale --yes`): each moves to `_archive/` at the same
relative path, unchanged, as a logged operation that `amber undo` reverses. Archived
entries stay findable with `amber recall --all`."""

from __future__ import annotations

from amber.distill.journal import Journal
from amber.distill.parts import DistillParts
from amber.errors import InvalidInputError
from amber.ids import new_id
from amber.lifecycle import StaleEntry


def archive_entries(parts: DistillParts, stale: list[StaleEntry]) -> list[str]:
    """Archive these entries (skipping any that moved or vanished); returns the op ids."""
    journal = Journal(parts.db, parts.writer, new_id())
    ops = []
    for item in stale:
        with parts.writer.locked():
            entry = parts.writer.read(item.path)
            if entry is None or entry.id != item.entry_id or entry.archived:
                continue
            reason = f"stale: importance {item.importance}, idle {item.idle_days} days"
            try:
                op = journal.plan_archive(entry, reason)
            except InvalidInputError:  # not UTF-8: left where it is, as doctor reports it
                continue
            ops.append(journal.commit(op))
    return ops

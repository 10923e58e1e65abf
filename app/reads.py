"""Reading memory: an entry by any handle a person or an agent types, an event, and the
listings the TUI and the MCP server show (outline, timeline, recent changes).

Nothing here writes. `MemoryService` offers each of these to the interfaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from amber import ids
from amber.errors import InvalidInputError, NotFoundError
from amber.events import Event
from amber.retrieval.hits import SourceRef
from amber.retrieval.provenance import entry_sources
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store.db import Database
from amber.store.entries import EntryRow, Lifecycle
from amber.tree.entry import Entry, parse_entry
from amber.tree.files import TreeFiles
from amber.tree.layout import is_context_file

Within = Callable[[str], bool]  # which tree paths the caller may see (an agent's scope)


@dataclass
class EntryView:
    """An entry with its provenance resolved and its lifecycle signals."""

    entry: Entry
    sources: list[SourceRef]
    importance: float = 0.5
    access_count: int = 0
    last_access: str | None = None
    maturity: str = "draft"


class Reader:
    def __init__(self, db: Database, files: TreeFiles) -> None:
        self.db = db
        self.files = files

    def entry(self, handle: str, within: Within | None = None) -> Entry:
        """An entry by id, path, unique id prefix, or unique title/alias. `within(path)`
        limits the search (e.g. to an agent's scope): entries outside it are not found,
        not named, and never make a handle ambiguous."""
        handle = handle.strip()
        row = entry_rows.entry_row(self.db, handle) or self._row_by_path(handle)
        if row is not None and within and not within(row.path):
            row = None
        if row is None and is_context_file(handle):
            raise NotFoundError(
                f"'{handle}' is a folder's context.md, not an entry: read the file itself, "
                "or `amber tree FOLDER` to see what the folder holds"
            )
        if row is None:
            row = self._row_by_prefix_or_name(handle, within)
        return self.read(row.path)

    def view(self, handle: str, within: Within | None = None) -> EntryView:
        entry = self.entry(handle, within)
        life = entry_rows.lifecycle_of(self.db, [entry.id]).get(entry.id, Lifecycle())
        return EntryView(entry, entry_sources(self.db, entry.provenance), *life)

    def read(self, rel_path: str) -> Entry:
        data = self.files.read_bytes(rel_path)
        return parse_entry(rel_path, data.decode("utf-8", errors="replace"))

    def text(self, handle: str) -> tuple[Entry, str]:
        """An entry and its file's whole text (frontmatter included), as an editor sees it."""
        entry = self.entry(handle)
        return entry, self.files.read_bytes(entry.path).decode("utf-8", errors="replace")

    def event(self, event_id: str) -> Event:
        found = event_rows.events_by_handle(self.db, [event_id])
        if event_id not in found:
            raise NotFoundError(f"no event '{event_id}'; event ids appear in recall results")
        return found[event_id]

    def _row_by_path(self, handle: str) -> EntryRow | None:
        rel = handle.removeprefix(str(self.files.root) + "/").strip("/")
        for candidate in (rel, rel + ".md"):
            row = entry_rows.entry_row_by_path(self.db, candidate)
            if row:
                return row
        return None

    def _row_by_prefix_or_name(self, handle: str, within: Within | None) -> EntryRow:
        rows = [r for r in map(self._row, self._candidate_ids(handle)) if r]
        if within:
            rows = [row for row in rows if within(row.path)]
        if len(rows) > 1:
            found = ", ".join(row.id for row in rows)
            raise InvalidInputError(f"'{handle}' matches {len(rows)} entries: {found}")
        if not rows:
            raise NotFoundError(f"no entry '{handle}'; try `amber recall {handle}`")
        return rows[0]

    def _candidate_ids(self, handle: str) -> list[str]:
        found = ids.ids_with_prefix(handle, lambda p: entry_rows.ids_with_prefix(self.db, p))
        if not found:
            by_name = entry_rows.ids_by_name(self.db, [handle])
            found = [i for group in by_name.values() for i in group]
        return found

    def _row(self, entry_id: str) -> EntryRow | None:
        return entry_rows.entry_row(self.db, entry_id)

"""Conflicts kept for a person to decide, in `amber review` (action `sync-conflict`).

A merge that git cannot make keeps this device's version in the file and proposes the
other side's: accepting writes theirs (or the text the person edited) through the entry
writer; rejecting keeps mine. Both texts are in the proposal, inside the encrypted index,
so neither is lost whatever is decided. The conflict copies a file syncer makes beside an
entry (Syncthing's `.sync-conflict-...`, a cloud folder's "conflicted copy") are proposed
the same way, then taken out of the tree (their text is in the proposal), so the index
never holds two copies of one entry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import sqlcipher3

from amber.clock import now_iso
from amber.errors import InvalidInputError, NotFoundError
from amber.ids import new_id
from amber.store import entries as entry_rows
from amber.store import review as review_rows
from amber.store.db import Database
from amber.store.review import ReviewRow
from amber.tree.entry import parse_entry
from amber.tree.files import TreeFiles
from amber.writing import fields, plans
from amber.writing.writer import Commit, EntryWriter

SYNC_CONFLICT = "sync-conflict"
_COPY_MARKERS = (
    re.compile(r"\.sync-conflict-\d{8}-\d{6}(-[A-Za-z0-9]+)?(?=\.md$)"),  # Syncthing
    re.compile(r" \([^()/]*conflicted copy[^()/]*\)(?=\.md$)", re.IGNORECASE),  # Dropbox & co
)


@dataclass(frozen=True)
class Conflict:
    path: str  # the entry's file
    mine: str
    theirs: str
    origin: str  # where theirs comes from: a device, or the conflict copy's name


def propose(db: Database, conn: sqlcipher3.Connection, conflict: Conflict) -> bool:
    """Queue the conflict (in the caller's transaction); False when proposed before."""
    entry = parse_entry(conflict.path, conflict.mine)
    row = entry_rows.entry_row_by_path(db, conflict.path)
    target_id = row.id if row else entry.id
    key = hashlib.sha256(f"{conflict.path}\0{conflict.theirs}".encode()).hexdigest()[:32]
    if review_rows.proposed_before(db, target_id, key):
        return False
    proposal = {
        "key": key,
        "target_path": conflict.path,
        "target_title": entry.title,
        "mine": conflict.mine,
        "theirs": conflict.theirs,
        "origin": conflict.origin,
    }
    reason = f"changed here and on {conflict.origin}; accept takes theirs, reject keeps mine"
    item = ReviewRow(new_id(), now_iso(), "pending", SYNC_CONFLICT, target_id, reason, proposal)
    review_rows.add_item(conn, item)
    return True


def preview(item: ReviewRow) -> str:
    """What accepting writes: the other side's whole file."""
    return str(item.proposal["theirs"])


def accept(writer: EntryWriter, item: ReviewRow, text: str | None) -> None:
    """Write theirs (or the person's edited text) over the entry, stamped like an edit; an
    entry changed since the conflict is refused, so no newer text is overwritten."""
    if text is not None and not text.strip():
        raise InvalidInputError("the edited text is empty; reject the item instead")
    new_text = fields.edited_file(text if text is not None else preview(item))
    with writer.locked():
        row = entry_rows.entry_row(writer.db, item.target_id)
        path = row.path if row else str(item.proposal["target_path"])
        current = writer.read(path)
        if current is None:
            raise NotFoundError(f"the entry of review item {item.id} is gone; reject it")
        plan = plans.replaced_text(writer, current, fields.stamped(path, new_text), None)
        plan.action = SYNC_CONFLICT

        def resolve(conn: sqlcipher3.Connection, _commit: Commit) -> None:
            review_rows.resolve(conn, item.id, "accepted", now_iso(), None)

        writer.commit(plan, resolve)


def copy_original(rel_path: str) -> str | None:
    """The entry a file syncer's conflict copy belongs to, or None for any other file."""
    for marker in _COPY_MARKERS:
        if marker.search(rel_path):
            return marker.sub("", rel_path)
    return None


def conflict_copies(files: TreeFiles) -> list[tuple[str, str]]:
    """(copy, original) of every conflict copy in the tree."""
    found = []
    for stat in files.walk():
        original = copy_original(stat.rel_path)
        if original is not None:
            found.append((stat.rel_path, original))
    return found


def route_copies(writer: EntryWriter) -> int:
    """Propose every conflict copy against its entry, then remove it; returns how many
    (the tree lock is held)."""
    files, db = writer.files, writer.db
    routed = 0
    for copy, original in conflict_copies(files):
        theirs = files.read_bytes(copy).decode("utf-8", "replace")
        mine = _text(files, original)
        if not mine:  # the entry itself is gone: the copy becomes it
            files.move(copy, original)
            writer.indexer.index_file(original, interface="sync")
        else:
            with db.write() as conn:
                propose(db, conn, Conflict(original, mine, theirs, copy.rsplit("/", 1)[-1]))
            files.delete(copy)
        writer.indexer.index_file(copy, interface="sync")
        routed += 1
    return routed


def _text(files: TreeFiles, rel_path: str) -> str:
    return files.read_bytes(rel_path).decode("utf-8", "replace") if files.exists(rel_path) else ""

"""`amber undo OP`: put files and index back as they were before a distiller operation.

Each operation stored the prior bytes of every file it changed and the hash it left. Undo
refuses when a file no longer holds what the operation wrote (a person edited it, or a
later operation changed it; those are named so they can be undone first), so undoing
never overwrites work it does not know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlcipher3

from amber.distill.writer import TreeWriter, sha256
from amber.errors import AmberError, InvalidInputError, NotFoundError
from amber.store import audit
from amber.store import distill_log as log_rows
from amber.store import review as review_rows
from amber.store.distill_log import OpRecord
from amber.tree.entry import new_id, now_iso

if TYPE_CHECKING:
    from amber.service import MemoryService

ID_PREFIX_MIN = 6


class UndoConflictError(AmberError):
    """Something changed after the operation; undoing it would lose that change."""

    exit_code = 5


@dataclass
class UndoResult:
    op_id: str
    action: str
    paths: list[str]


def find_op(service: MemoryService, handle: str) -> OpRecord:
    handle = handle.strip()
    op = log_rows.load_op(service.db, handle)
    if op is None and len(handle) >= ID_PREFIX_MIN:
        ids = log_rows.op_ids_with_prefix(service.db, handle.upper())
        if len(ids) > 1:
            raise InvalidInputError(f"'{handle}' matches {len(ids)} operations; give more")
        op = log_rows.load_op(service.db, ids[0]) if ids else None
    if op is None:
        raise NotFoundError(f"no distiller operation '{handle}'; `amber log` lists them")
    return op


def undo(service: MemoryService, handle: str) -> UndoResult:
    op = find_op(service, handle)
    _check_undoable(service, op)
    writer = TreeWriter(service.db, service.files, service.indexer, new_id())
    with writer.locked():
        _check_files(writer, op)
        writer.restore_files(op.files)
        with service.db.write() as conn:
            _restore_index(conn, writer, op)
            audit.record(conn, service.interface, "undo", op.entry_id, {"op": op.id})
    return UndoResult(op.id, op.action, [f.path for f in op.files])


def undo_run(service: MemoryService, run_id: str) -> list[UndoResult]:
    """Undo every operation of a run still in effect, newest first."""
    ids = log_rows.run_op_ids(service.db, run_id.strip())
    if not ids:
        raise NotFoundError(f"no operations of run '{run_id}' to undo; `amber log` lists runs")
    return [undo(service, op_id) for op_id in ids]


def _check_undoable(service: MemoryService, op: OpRecord) -> None:
    if op.undone_at:
        raise InvalidInputError(f"operation {op.id} was already undone ({op.undone_at})")
    if op.purged:
        raise InvalidInputError(f"operation {op.id} touched a forgotten entry; it cannot be undone")
    later = log_rows.later_ops_touching(service.db, op.id, [f.path for f in op.files])
    if later:
        raise UndoConflictError(
            f"later operations changed the same files: undo {', '.join(later)} first "
            "(newest first), then this one"
        )


def _check_files(writer: TreeWriter, op: OpRecord) -> None:
    for change in op.files:
        exists = writer.files.exists(change.path)
        now = sha256(writer.files.read_bytes(change.path)) if exists else None
        if now != change.after_hash:
            raise UndoConflictError(
                f"'{change.path}' changed after operation {op.id}; undoing it would lose "
                "that change, so nothing was undone (edit the file by hand instead)"
            )


def _restore_index(conn: sqlcipher3.Connection, writer: TreeWriter, op: OpRecord) -> None:
    paths = sorted({f.path for f in op.files}, key=lambda p: not writer.files.exists(p))
    for path in paths:
        writer.indexer.index_in(conn, path, None)
    restore = op.detail.get("restore", {})
    assert isinstance(restore, dict)
    for entry_id, content_hash in restore.get("written", {}).items():
        log_rows.set_written(conn, entry_id, content_hash)
    for key, entry_id in restore.get("digests", {}).items():
        log_rows.set_digest(conn, key, entry_id)
    log_rows.mark_undone(conn, op.id, now_iso())
    if op.action == "review":  # the proposal it queued is withdrawn with it
        for item in review_rows.items_for_op(conn, op.id):
            review_rows.resolve(conn, item, "rejected", now_iso(), None)
    elif isinstance(op.detail.get("review"), str):  # an accepted proposal waits again
        review_rows.resolve(conn, str(op.detail["review"]), "pending", None, None)

"""`amber undo OP`: put files and index back as they were before a distiller operation.

Each operation stored the prior bytes of every file it changed and the hash it left. Undo
refuses when a file no longer holds what the operation wrote (a person edited it, or a
later operation changed it; those are named so they can be undone first), so undoing
never overwrites work it does not know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import sqlcipher3

from amber import contexts
from amber.clock import now_iso
from amber.distill.parts import DistillParts
from amber.errors import ConflictError, InvalidInputError, NotFoundError
from amber.ids import find_one
from amber.store import distill_log as log_rows
from amber.store import review as review_rows
from amber.store.distill_log import OpRecord
from amber.writing.plan import ABSENT, FileWrite, WritePlan
from amber.writing.writer import Commit


class UndoConflictError(ConflictError):
    """Something changed after the operation; undoing it would lose that change."""


@dataclass
class UndoResult:
    op_id: str
    action: str
    paths: list[str]


def find_op(parts: DistillParts, handle: str) -> OpRecord:
    load = partial(log_rows.load_op, parts.db)
    lookup = partial(log_rows.op_ids_with_prefix, parts.db)
    return find_one(handle, load, lookup, "distiller operations", "amber log")


def undo(parts: DistillParts, handle: str) -> UndoResult:
    """Put back the bytes every file had before the operation, as one write: a file that
    no longer holds what the operation left there stops it (nothing is undone). The
    context.md of the folders it changed lists their entries as they are again."""
    result = _undo(parts, handle)
    contexts.refresh(parts.writer, contexts.folders_of(result.paths))
    return result


def _undo(parts: DistillParts, handle: str) -> UndoResult:
    op = find_op(parts, handle)
    _check_undoable(parts, op)
    plan = WritePlan("undo", op.entry_id, op.title, op.path, audit={"op": op.id})
    for change in op.files:  # each file must still hold what the operation left there
        left = ABSENT if change.after_hash is None else change.after_hash
        plan.add(FileWrite(change.path, change.before, op.entry_id, left))

    def restore_log(conn: sqlcipher3.Connection, _commit: Commit) -> None:
        _restore_log(conn, op)

    with parts.writer.locked():
        try:
            parts.writer.commit(plan, restore_log)
        except ConflictError as exc:
            raise UndoConflictError(
                f"'{exc.path}' changed after operation {op.id}; undoing it would lose that "
                "change, so nothing was undone (edit the file by hand instead)"
            ) from None
    return UndoResult(op.id, op.action, [f.path for f in op.files])


def undo_run(parts: DistillParts, run_id: str) -> list[UndoResult]:
    """Undo every operation of a run still in effect, newest first."""
    ids = log_rows.run_op_ids(parts.db, run_id.strip())
    if not ids:
        raise NotFoundError(f"no operations of run '{run_id}' to undo; `amber log` lists runs")
    results = []
    try:
        for op_id in ids:
            results.append(_undo(parts, op_id))
    finally:  # once for the run, also when an operation refused to be undone
        changed = [path for result in results for path in result.paths]
        contexts.refresh(parts.writer, contexts.folders_of(changed))
    return results


def _check_undoable(parts: DistillParts, op: OpRecord) -> None:
    if op.undone_at:
        raise InvalidInputError(f"operation {op.id} was already undone ({op.undone_at})")
    if op.purged and op.detail.get("pruned"):
        raise InvalidInputError(
            f"operation {op.id} used {op.detail.get('source')} events from before "
            f"{str(op.detail.get('before'))[:10]} that retention removed on "
            f"{str(op.detail['pruned'])[:10]} (`amber prune`, [retention] in config.toml); "
            "the earlier text of its files went with them, so it cannot be undone"
        )
    if op.purged:
        raise InvalidInputError(f"operation {op.id} touched a forgotten entry; it cannot be undone")
    later = log_rows.later_ops_touching(parts.db, op.id, [f.path for f in op.files])
    if later:
        raise UndoConflictError(
            f"later operations changed the same files: undo {', '.join(later)} first "
            "(newest first), then this one"
        )


def _restore_log(conn: sqlcipher3.Connection, op: OpRecord) -> None:
    """What the operation changed besides files: the hashes of what the distiller wrote,
    the digest keys, and the review item it came from or queued."""
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

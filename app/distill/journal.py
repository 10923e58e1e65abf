"""The distiller's writes: plans for the one entry writer, plus an operation log.

Every distiller change (and every review decision) is an `Operation`: a write plan
(`amber.writing`) and what the distiller keeps about it, committed in the plan's own
transaction: the events it used, the bytes each file had before (encrypted in the index, so
`amber undo` can restore files and index exactly), and the hash of what it wrote. A file
whose bytes no longer match that hash was edited by a person, and the distiller never
changes it again (see `owned`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlcipher3

from amber.clock import now_iso
from amber.distill.candidate import Candidate
from amber.distill.render import merged_body, new_body
from amber.ids import new_id
from amber.store import distill_log as log_rows
from amber.store.db import Database
from amber.tree.entry import Entry
from amber.writing import plans
from amber.writing.plan import WritePlan, sha256
from amber.writing.writer import Commit, EntryWriter

INTERFACE = "distiller"
OnCommit = Callable[[sqlcipher3.Connection, str], None]  # (transaction, operation id)


@dataclass
class Operation:
    """A distiller operation: its write plan and what the log keeps about it."""

    plan: WritePlan
    events: list[str] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)
    digests: dict[str, str | None] = field(default_factory=dict)
    unclaimed: set[str] = field(default_factory=set)  # paths written that stay the person's

    @property
    def action(self) -> str:
        return self.plan.action

    @property
    def entry_id(self) -> str:
        return self.plan.entry_id


def log_only(
    action: str,
    entry_id: str,
    title: str,
    path: str,
    events: list[str],
    detail: dict[str, object] | None = None,
) -> Operation:
    """An operation that changes no file (noop, review, reject): logged all the same."""
    return Operation(WritePlan(action, entry_id, title, path), events, dict(detail or {}))


class Journal:
    def __init__(self, db: Database, writer: EntryWriter, run_id: str) -> None:
        self.db = db
        self.writer = writer
        self.run_id = run_id

    def owned(self, entry: Entry) -> bool:
        """Whether the file is exactly what the distiller last wrote (else a person's)."""
        data = self.writer.bytes_of(entry.path)
        if not entry.has_own_id or data is None:
            return False
        recorded = log_rows.written_hashes(self.db, [entry.id]).get(entry.id)
        return recorded == sha256(data)

    # -- planning ----------------------------------------------------------------------------

    def plan_entry(self, entry: Entry, folder: str, events: list[str]) -> Operation:
        """A new entry file in `folder` (named from its title, never over another file)."""
        return Operation(plans.new_entry(self.writer, entry, folder, "add"), events)

    def plan_add(
        self,
        cand: Candidate,
        folder: str,
        supersedes: list[str] | None = None,
        body: str | None = None,
    ) -> tuple[Operation, Entry]:
        stamp = now_iso()
        entry = Entry(
            id=new_id(),
            title=cand.title,
            kind=cand.kind,
            body=body or new_body(cand.statements),
            sources=cand.sources,
            supersedes=supersedes or [],
            created=stamp,
            updated=stamp,
            valid_from=cand.since,
        )
        return self.plan_entry(entry, folder, [e.id for e in cand.events]), entry

    def plan_rewrite(
        self,
        target: Entry,
        updates: dict[str, object | None],
        body: str | None,
        events: list[str],
        claim: bool = True,
    ) -> Operation:
        """New values for owned fields (and the body) of an existing entry; `updated` set."""
        op = Operation(plans.rewritten(self.writer, target, updates, body, "update"), events)
        if not claim:
            op.unclaimed.add(target.path)
        return op

    def plan_update(
        self, target: Entry, cand: Candidate, claim: bool = True, body: str | None = None
    ) -> Operation:
        sources = list(dict.fromkeys([*target.sources, *cand.sources]))
        merged = body if body is not None else merged_body(target.body, cand.statements)
        events = [e.id for e in cand.events]
        return self.plan_rewrite(target, {"sources": sources}, merged, events, claim)

    def plan_supersede(
        self, target: Entry, cand: Candidate, body: str | None = None, claim_old: bool = True
    ) -> Operation:
        folder = target.path.rsplit("/", 1)[0] if "/" in target.path else ""
        op, entry = self.plan_add(cand, folder, [target.id], body)
        moved = plans.archived(
            self.writer, target, {"superseded_by": [*target.superseded_by, entry.id]}
        )
        op.plan.action = "supersede"
        op.plan.files += moved.files
        op.detail = {"replaces": target.id, "archived_to": moved.path}
        if not claim_old:
            op.unclaimed.add(moved.path)
        return op

    def plan_remove(self, target: Entry, detail: dict[str, object]) -> Operation:
        """A page the distiller wrote and no longer has anything for (undoable)."""
        return Operation(plans.removed(self.writer, target, "remove"), detail=dict(detail))

    def plan_archive(self, target: Entry, reason: str) -> Operation:
        plan = plans.archived(self.writer, target)
        plan.path = target.path
        op = Operation(plan, detail={"reason": reason, "archived_to": plan.audit["archived_to"]})
        op.unclaimed.update(w.path for w in plan.files)
        return op

    # -- committing --------------------------------------------------------------------------

    def commit(self, op: Operation, on_commit: OnCommit | None = None) -> str:
        """Apply an operation (the caller holds the tree lock); returns its id. `on_commit`
        runs inside the same transaction (e.g. to resolve the review item it came from)."""
        op.plan.interface = INTERFACE
        op.plan.audit = {"op": op.plan.id}
        restore = self._restore_point(op)

        def record(conn: sqlcipher3.Connection, commit: Commit) -> None:
            self._claim(conn, op)
            for key, entry_id in op.digests.items():
                log_rows.set_digest(conn, key, entry_id)
            self._record(conn, op, commit, restore)
            if on_commit is not None:
                on_commit(conn, commit.id)

        return self.writer.commit(op.plan, record).id

    def _record(
        self, conn: sqlcipher3.Connection, op: Operation, commit: Commit, restore: dict[str, object]
    ) -> None:
        plan = op.plan
        record = log_rows.OpRecord(
            commit.id,
            self.run_id,
            now_iso(),
            plan.action,
            plan.entry_id,
            plan.title,
            plan.path,
            {**op.detail, "restore": restore},
        )
        changes = [log_rows.FileChange(c.path, c.before, c.after_hash) for c in commit.changes]
        log_rows.record_op(conn, record, changes, op.events)

    def _restore_point(self, op: Operation) -> dict[str, object]:
        ids = list(dict.fromkeys(w.entry_id for w in op.plan.files))
        written = log_rows.written_hashes(self.db, ids)
        digests = {k: log_rows.digest_entry(self.db, k) for k in op.digests}
        return {"written": {i: written.get(i) for i in ids}, "digests": digests}

    def _claim(self, conn: sqlcipher3.Connection, op: Operation) -> None:
        for write in op.plan.files:
            if write.data is not None and write.path not in op.unclaimed:
                log_rows.set_written(conn, write.entry_id, write.after_hash)

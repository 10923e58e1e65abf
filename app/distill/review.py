"""The review queue: what Amber proposes for entries a person wrote or edited.

The distiller never changes such an entry; it queues the proposal (an UPDATE: the lines a
rebuilt page has that the person's version does not, with the messages behind them; a
SUPERSEDE still waiting from an earlier version of Amber) and `amber review` lets the
person accept it, reject it, or edit the text that accepting would write. Accepting
writes through the same logged, undoable operations as the distiller.

Forgetting events queues a FORGET for a person's page that quotes them: the page without
those lines (and without the text asked to be forgotten). Accepting writes that text only
while the page is still what the proposal was made from, and cannot be undone.

`amber sync` queues a SYNC_CONFLICT when two devices changed the same lines of an entry
(amber/sync/conflicts.py): accepting writes the other device's text, rejecting keeps this
one's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import sqlcipher3

from amber.clock import now_iso
from amber.distill.candidate import Candidate
from amber.distill.journal import Journal, OnCommit, Operation
from amber.distill.parts import DistillParts
from amber.distill.render import merged_body, new_body
from amber.distill.validation import normalize
from amber.errors import InvalidInputError, NotFoundError
from amber.ids import find_one, new_id
from amber.store import distill_events as queue
from amber.store import entries as entry_rows
from amber.store import review as review_rows
from amber.store.review import ReviewRow
from amber.sync import conflicts as sync_conflicts
from amber.tree.entry import Entry
from amber.writing import fields, plans
from amber.writing.plan import sha256
from amber.writing.writer import Commit

FORGET = "forget"
FORGET_DERIVED = "forget-derived"  # how the audit names a rewrite of what cited a forgotten event
OnCommitConn = Callable[[sqlcipher3.Connection], None]


@dataclass
class Decision:
    action: str  # "review": a person decides `proposed` ("update" or "supersede")
    target: Entry | None = None
    reason: str = ""
    proposed: str = ""


def proposal_key(action: str, target_id: str, cand: Candidate) -> str:
    statements = sorted(normalize(s.text) for s in cand.statements)
    raw = json.dumps([action, target_id, statements])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


class ReviewQueue:
    def __init__(self, parts: DistillParts) -> None:
        self.parts = parts
        self.db = parts.db

    def proposal(self, decision: Decision, cand: Candidate) -> OnCommit | None:
        """What to store, in the operation's transaction; None if it was proposed before."""
        target = decision.target
        assert target is not None
        key = proposal_key(decision.proposed, target.id, cand)
        if review_rows.proposed_before(self.db, target.id, key):
            return None
        proposal = {
            "key": key,
            "candidate": cand.to_json(),
            "target_path": target.path,
            "target_title": target.title,
        }
        item = ReviewRow(
            new_id(), now_iso(), "pending", decision.proposed, target.id, decision.reason, proposal
        )

        def store(conn: sqlcipher3.Connection, op_id: str) -> None:
            item.proposal["op"] = op_id
            review_rows.add_item(conn, item)

        return store

    def items(self, status: str = "pending", limit: int = 100) -> list[ReviewRow]:
        if status not in (*review_rows.STATUSES, "all"):
            raise InvalidInputError(f"status must be one of: {', '.join(review_rows.STATUSES)}")
        return review_rows.items(self.db, status, limit)

    def get(self, handle: str) -> ReviewRow:
        load = partial(review_rows.item, self.db)
        lookup = partial(review_rows.ids_with_prefix, self.db)
        return find_one(handle, load, lookup, "review items", "amber review")

    def candidate(self, item: ReviewRow) -> Candidate:
        data = item.proposal["candidate"]
        assert isinstance(data, dict)
        wanted = [e["event"] for s in data["statements"] for e in s["evidence"]]
        cand = Candidate.from_json(data, queue.events_by_id(self.db, wanted))
        cand.statements = [s for s in cand.statements if s.evidence]
        if not cand.statements:
            raise InvalidInputError(
                f"the events behind review item {item.id} are gone; reject it with "
                f"`amber review reject {item.id}`"
            )
        return cand

    def target(self, item: ReviewRow) -> Entry | None:
        row = entry_rows.entry_row(self.db, item.target_id) if item.target_id else None
        return self.parts.writer.read(row.path) if row else None

    def preview(self, handle: str) -> str:
        """The body accepting would write: the merged entry (update) or the new one."""
        item = self.get(handle)
        if item.action == FORGET:
            return str(item.proposal["body"])
        if item.action == sync_conflicts.SYNC_CONFLICT:
            return sync_conflicts.preview(item)
        cand = self.candidate(item)
        target = self.target(item)
        if item.action == "update" and target is not None:
            return merged_body(target.body, cand.statements)
        return new_body(cand.statements)

    def accept(self, handle: str, body: str | None = None) -> str | None:
        """Apply the proposal (with `body` as edited by the person); returns the id of the
        operation `amber undo` reverses, None for a FORGET (nothing to undo)."""
        item = self._pending(handle)
        if item.action == FORGET:
            self._accept_forgetting(item, body)
            return None
        if item.action == sync_conflicts.SYNC_CONFLICT:  # theirs, or the person's edited text
            sync_conflicts.accept(self.parts.writer, item, body)
            return None
        cand = self.candidate(item)
        journal = Journal(self.db, self.parts.writer, new_id())

        def resolve(conn: sqlcipher3.Connection, op_id: str) -> None:
            review_rows.resolve(conn, item.id, "accepted", now_iso(), op_id)

        with self.parts.writer.locked():
            op = self._operation(journal, item, cand, body)
            op.detail.update(review=item.id, reason="accepted in review")
            return journal.commit(op, resolve)

    def propose_forgetting(self, page: Entry, body: str | None, page_sha256: str) -> OnCommitConn:
        """A FORGET for a person's page: `body` is their text without what was forgotten
        (None: nothing to take out), `page_sha256` the page it applies to. Stored in the
        caller's transaction; it replaces a pending FORGET for the same page, whose text
        may quote what goes now."""
        item = None
        if body is not None:
            proposal = {"key": sha256(body.encode("utf-8"))[:32], "body": body}
            proposal.update(target_path=page.path, target_title=page.title)
            proposal["page_sha256"] = page_sha256
            reason = "forgotten messages are quoted in a page you wrote"
            item = ReviewRow(new_id(), now_iso(), "pending", FORGET, page.id, reason, proposal)

        def store(conn: sqlcipher3.Connection) -> None:
            review_rows.drop_pending(conn, page.id, FORGET)
            if item is not None:
                review_rows.add_item(conn, item)

        return store

    def pending_forgetting(self, page: Entry) -> str | None:
        """The text a pending FORGET for this page would write, if one waits and the page
        is still what it was made from (else the person's newer text counts)."""
        waiting = review_rows.pending_for(self.db, page.id, FORGET)
        now = sha256(self.parts.writer.files.read_bytes(page.path))
        return (
            str(waiting[-1].proposal["body"])
            if waiting and waiting[-1].proposal["page_sha256"] == now
            else None
        )

    def _accept_forgetting(self, item: ReviewRow, body: str | None) -> None:
        writer = self.parts.writer
        with writer.locked():
            page = self.target(item)
            if page is None:
                raise NotFoundError(f"the page review item {item.id} would change is gone")
            if sha256(writer.files.read_bytes(page.path)) != item.proposal["page_sha256"]:
                raise InvalidInputError(
                    f"{page.path} changed after this was proposed; take the forgotten lines "
                    f"out by hand, then `amber review reject {item.id}`"
                )
            text = fields.new_body(body) if body is not None else str(item.proposal["body"])
            plan = plans.rewritten(writer, page, {}, text, FORGET_DERIVED)

            def resolve(conn: sqlcipher3.Connection, _commit: Commit) -> None:
                review_rows.resolve(conn, item.id, "accepted", now_iso(), None)

            writer.commit(plan, resolve)

    def reject(self, handle: str) -> ReviewRow:
        item = self._pending(handle)
        with self.db.write() as conn:
            review_rows.resolve(conn, item.id, "rejected", now_iso(), None)
        return item

    def _operation(
        self, journal: Journal, item: ReviewRow, cand: Candidate, body: str | None
    ) -> Operation:
        if body is not None and not body.strip():
            raise InvalidInputError("the edited text is empty; reject the item instead")
        if body is not None:  # a person's text, made fit to store like any other
            body = fields.new_body(body)
        target = self.target(item)
        if item.action in ("update", "supersede") and target is None:
            raise NotFoundError(
                f"the entry review item {item.id} would change is gone; reject it with "
                f"`amber review reject {item.id}`"
            )
        if item.action == "update" and target is not None:
            return journal.plan_update(target, cand, claim=journal.owned(target), body=body)
        if item.action == "supersede" and target is not None:
            return journal.plan_supersede(target, cand, body, claim_old=journal.owned(target))
        return journal.plan_add(cand, cand.folder, body=body)[0]

    def _pending(self, handle: str) -> ReviewRow:
        item = self.get(handle)
        if item.status != "pending":
            raise InvalidInputError(f"review item {item.id} was already {item.status}")
        return item

"""Forgetting events: a message, a conversation, a source over a time range, or whatever
holds a piece of text (a leaked key), gone for good, with what was distilled from it.

`plan` finds what a selection names, so a person sees it before anything is deleted.
`apply` then:

1. rewrites the entries that cite the events, one entry writer commit each: a digest the
   distiller owns is rebuilt from the events that remain (removed when none do); a
   distilled entry loses the evidence of the forgotten events and the facts only they
   supported (removed when no fact is left); an entry a person wrote or edited loses the
   events from its `sources` at once, and its text waits for its owner's consent: the
   lines quoting the events (and the text asked to be forgotten) are taken out by a FORGET
   proposal in the review queue (amber.distill.review). Copies of the old text kept for
   `amber undo` are dropped with it.
2. deletes the events and every trace the index holds of them (amber.store.forget), and
   records in the audit log how many were forgotten, never what;
3. truncates the WAL, so no copy of a deleted page outlives the command, and deletes the
   kept screenshots of forgotten screen events.

Entries come first: if the process dies in between, running the same forget again finds
the events again, and the entries no longer cite them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3

from amber.distill import episodes
from amber.distill.journal import Journal
from amber.distill.knowledge import Scopes
from amber.distill.parts import DistillParts
from amber.distill.render import without_citations, without_events
from amber.distill.review import FORGET_DERIVED, OnCommitConn, ReviewQueue
from amber.ids import new_id
from amber.store import audit, distill_log
from amber.store import entries as entry_rows
from amber.store import forget as forget_rows
from amber.store.db import Database
from amber.store.forget import FoundEvent, Selection
from amber.tree.entry import Entry
from amber.writing import plans
from amber.writing.plan import WritePlan, sha256
from amber.writing.writer import Commit

ACTION = FORGET_DERIVED


def _with_sibling_parts(db: Database, citing: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The entries, and the other parts of each episode among them: a forgotten message
    shifts the statements after it into the parts before, so every part is rebuilt."""
    found = dict.fromkeys(citing)
    for entry_id, _path in citing:
        key = distill_log.digest_key_of(db, entry_id)
        if key is None or not key.startswith("episode:"):
            continue
        for sibling in distill_log.digest_keys(db, episodes.parts_prefix(key)):
            sibling_id = distill_log.digest_entry(db, sibling)
            row = entry_rows.entry_row(db, sibling_id) if sibling_id else None
            if row is not None:
                found[(row.id, row.path)] = None
    return list(found)


def _still_holds(rewritten: tuple[dict[str, object | None], str], text: str) -> bool:
    updates, body = rewritten
    shown = f"{updates.get('title', '')}\n{updates.get('tags', '')}\n{body}".casefold()
    return bool(text) and text.casefold() in shown


@dataclass
class ForgetPlan:
    selection: Selection
    events: list[FoundEvent]
    citing: list[tuple[str, str]]  # (entry id, path) of entries that cite them
    holding: list[tuple[str, str]] = field(default_factory=list)  # entries holding the text

    @property
    def handles(self) -> set[str]:
        """How entries name these events: their refs and their ids."""
        return {e.ref for e in self.events if e.ref} | {e.id for e in self.events}


@dataclass
class ForgetReport:
    events: int = 0
    entries: list[str] = field(default_factory=list)  # entries that held the text: forgotten
    rewritten: list[str] = field(default_factory=list)  # distilled entries, now without them
    removed: list[str] = field(default_factory=list)  # distilled entries nothing was left of
    yours: list[str] = field(default_factory=list)  # a person's entries that cited them
    proposed: list[str] = field(default_factory=list)  # those of them quoting them: in review


class Forgetting:
    def __init__(self, parts: DistillParts, screens: Path) -> None:
        self.parts = parts
        self.screens = screens  # where kept screenshots of screen events are
        self.journal = Journal(parts.db, parts.writer, new_id())

    def plan(self, selection: Selection) -> ForgetPlan:
        db = self.parts.db
        events = forget_rows.find(db, selection)
        handles = [e.ref for e in events if e.ref] + [e.id for e in events]
        quoting = [*handles, *forget_rows.replies_to(db, events)]
        citing = _with_sibling_parts(db, forget_rows.citing_entries(db, quoting))
        holding = [h for h in forget_rows.entries_holding(db, selection.match) if h not in citing]
        return ForgetPlan(selection, events, citing, holding)

    def apply(self, plan: ForgetPlan, why: dict[str, str] | None = None) -> ForgetReport:
        """`why`: a retention prune (amber/retention.py), kept for `amber undo` to say."""
        report = ForgetReport(events=len(plan.events))
        writer = self.parts.writer
        with writer.locked():
            for _entry_id, path in plan.holding:
                if (entry := writer.read(path)) is not None:
                    self._commit(plans.forgotten(entry))
                    report.entries.append(path)
            for _entry_id, path in plan.citing:
                if (entry := writer.read(path)) is not None:
                    self._derived(entry, plan, report)
        if not plan.events:
            return report
        with self.parts.db.write() as conn:
            forget_rows.delete(conn, plan.events, why)
            detail = {**writer.requester, "events": report.events}
            action = "prune" if why else "forget-events"
            audit.record(conn, writer.interface, action, (why or {}).get("source", ""), detail)
        self.parts.db.checkpoint()
        self._delete_screenshots(plan.events)
        return report

    def _delete_screenshots(self, events: list[FoundEvent]) -> None:
        root = self.screens.resolve()
        for name in (name for event in events for name in event.images):
            path = (self.screens / name).resolve()
            if root in path.parents:  # a name, never a way out
                path.unlink(missing_ok=True)

    # -- what was made from them ---------------------------------------------------------------

    def _derived(self, entry: Entry, plan: ForgetPlan, report: ForgetReport) -> None:
        sources = [s for s in entry.sources if s not in plan.handles]
        if not self.journal.owned(entry):
            self._yours(entry, plan, sources, report)
            return
        rewritten = self._distilled(entry, plan, sources)
        if rewritten is None or _still_holds(rewritten, plan.selection.match):
            # nothing left, or the text asked to be forgotten would stay: the entry goes
            self._commit(plans.forgotten(entry), owned=False)
            report.removed.append(entry.path)
            return
        updates, body = rewritten
        if body == entry.body and all(getattr(entry, k) == v for k, v in updates.items()):
            return  # it only answered a forgotten question it did not quote: as it was
        self._commit(plans.rewritten(self.parts.writer, entry, updates, body, ACTION), owned=True)
        report.rewritten.append(entry.path)

    def _yours(
        self, entry: Entry, plan: ForgetPlan, sources: list[str], report: ForgetReport
    ) -> None:
        """A person's page: only Amber's own field changes now; their text changes once they
        accept the proposal queued in the same transaction."""
        change = plans.rewritten(self.parts.writer, entry, {"sources": sources}, None, ACTION)
        queue = ReviewQueue(self.parts)
        base = queue.pending_forgetting(entry) or entry.body
        body: str | None = without_citations(base, plan.handles, plan.selection.match)
        if body == entry.body:
            if sources == entry.sources:
                return  # nothing of theirs names what is forgotten
            body = None
        else:
            report.proposed.append(entry.path)
        page_sha256 = sha256(change.files[0].data or b"")
        self._commit(change, also=queue.propose_forgetting(entry, body, page_sha256))
        report.yours.append(entry.path)

    def _distilled(
        self, entry: Entry, plan: ForgetPlan, sources: list[str]
    ) -> tuple[dict[str, object | None], str] | None:
        """The fields and body the distiller would have written without the forgotten
        events (a page's title and tags come from its messages too); None: nothing."""
        key = distill_log.digest_key_of(self.parts.db, entry.id)
        if key is None:
            body = without_events(entry.body, plan.handles)
            return None if body is None else ({"sources": sources}, body)
        page = Scopes(self.parts.db, leave_out=[e.id for e in plan.events]).page(key)
        if page is None:
            return None
        fields = {"title": page.title, "tags": page.tags, "sources": page.sources}
        return {**fields, "valid_from": page.valid_from}, page.body

    def _commit(
        self, plan: WritePlan, owned: bool = False, also: OnCommitConn | None = None
    ) -> None:
        """One entry's change; the undo copies of its earlier text go in the same
        transaction (they quote what is being forgotten), and `also` runs in it."""
        write = plan.files[0]

        def drop_old_copies(conn: sqlcipher3.Connection, _commit: Commit) -> None:
            distill_log.purge_entry(conn, plan.entry_id, write.path)
            if owned and write.data is not None:  # still the distiller's own text
                distill_log.set_written(conn, plan.entry_id, sha256(write.data))
            if also is not None:
                also(conn)

        plan.audit = {}
        self.parts.writer.commit(plan, drop_old_copies)

"""The Distiller: pending events become pages in the Context Tree.

`amber distill` runs it in the foreground; the capture daemon calls the same API when the
machine is idle (`should_stop` lets it yield the machine between batches and pages).
Conversations between people become episodes and people pages, everything else digests
(amber/distill/knowledge.py). With a chat model the pages are the same; the lines they are
made of are first rewritten by the model (amber/distill/rewriting.py). Every operation is
logged with the events it used, and events are marked distilled only after every page
they change was written, so a run that is killed resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from amber import contexts, lifecycle
from amber.clock import now_iso
from amber.distill import undo
from amber.distill.journal import Journal, Operation, log_only
from amber.distill.knowledge import Scopes, new_lines
from amber.distill.model import DistillModel
from amber.distill.pages import Page
from amber.distill.parts import DistillParts
from amber.distill.report import DistillReport
from amber.distill.review import Decision, ReviewQueue
from amber.distill.rewriting import Rewriter, selected_lines
from amber.distill.statements import Statement
from amber.events import Event
from amber.ids import new_id
from amber.store import distill_events as queue
from amber.store import distill_log as log_rows
from amber.store import entries as entry_rows
from amber.tree.entry import Entry

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


class Distiller:
    def __init__(self, parts: DistillParts, model: DistillModel | None = None) -> None:
        self.parts = parts
        self.db = parts.db
        self.model = model

    def pending(self) -> int:
        return 0 if self.parts.distilled_by else queue.pending_count(self.db)

    # -- what it did, and taking it back ---------------------------------------------------------

    def recent_ops(self, limit: int, run_id: str = "") -> list[log_rows.OpRecord]:
        return log_rows.recent_ops(self.db, limit, run_id)

    def find_op(self, handle: str) -> log_rows.OpRecord:
        """An operation by id or unique prefix, with the events it used."""
        return undo.find_op(self.parts, handle)

    def op_events(self, op: log_rows.OpRecord) -> list[Event]:
        found = queue.events_by_id(self.db, op.events)
        return [found[e] for e in op.events if e in found]

    def undo(self, handle: str) -> undo.UndoResult:
        return undo.undo(self.parts, handle)

    def undo_run(self, run_id: str) -> list[undo.UndoResult]:
        return undo.undo_run(self.parts, run_id)

    def run(
        self,
        limit: int | None = None,
        progress: Progress | None = None,
        *,
        again: bool = False,
        should_stop: ShouldStop | None = None,
    ) -> DistillReport:
        """Distill up to `limit` pending events (`again`: already distilled ones too)."""
        started = time.monotonic()
        report = DistillReport(new_id(), self.model.name if self.model else None)
        if self.parts.distilled_by:  # its pages arrive with the next sync
            report.distilled_by = self.parts.distilled_by
            return report
        events = queue.pending(self.db, limit, include_distilled=again)
        report.events = len(events)
        run = _Run(self, report, progress, should_stop)
        if self.model is not None:
            run.with_model(events, self.model)
        else:
            run.pages(events)
        if run.done:  # updates were made: count them, and let idle entries decay
            lifecycle.refresh(self.db)
        if report.ops:  # once a run is done, never for each page it writes
            changed = contexts.folders_of(log_rows.run_paths(self.db, report.run_id))
            refreshed = contexts.refresh(self.parts.writer, changed)
            report.contexts = refreshed.written + refreshed.removed
            report.contexts_kept = refreshed.kept
        report.seconds = round(time.monotonic() - started, 3)
        return report


class _Run:
    """The state of one run: its writer, scopes, report and callbacks."""

    def __init__(
        self,
        distiller: Distiller,
        report: DistillReport,
        progress: Progress | None,
        should_stop: ShouldStop | None,
    ) -> None:
        parts = distiller.parts
        self.db = parts.db
        self.report = report
        self.writer = parts.writer
        self.journal = Journal(parts.db, parts.writer, report.run_id)
        self.reviews = ReviewQueue(parts)
        self.scopes = Scopes(parts.db)
        self.progress = progress or (lambda done, total: None)
        self.should_stop = should_stop or (lambda: False)
        self.done = 0

    # -- with a model: the same pages, from rewritten lines -----------------------------

    def with_model(self, events: list[Event], model: DistillModel) -> None:
        """The lines step 2 selects in these events go to the model first; the pages are
        then built as without one, reading its answers back (amber/distill/rewritten.py)."""
        lines = selected_lines(events, self.scopes.context)
        position = {event.id: n for n, event in enumerate(events, start=1)}

        def done(line: Statement) -> None:
            self.progress(position[line.event.id], self.report.events)

        if not Rewriter(self.db, model, self.report).rewrite(lines, self.should_stop, done):
            self.report.stopped = True
            return
        self.scopes = Scopes(self.db)  # one that sees the answers just stored
        self.pages(events)

    # -- pages ---------------------------------------------------------------------------

    def pages(self, events: list[Event]) -> None:
        """Episodes, people pages and digests for these events (amber.distill.knowledge);
        the events count as distilled once every page they change is written."""
        if self._write_pages(events):
            self._finished(events)

    def _write_pages(self, events: list[Event]) -> bool:
        """False when asked to stop before every page was written."""
        for key in self.scopes.keys(events):
            if self.should_stop():
                self.report.stopped = True
                return False
            self._page(key)
        return True

    def _page(self, key: str) -> None:
        """Write the pages `key` names; parts an episode no longer has go."""
        with self.writer.locked():
            built = self.scopes.build(key)
            for page in built:
                self._write_page(page)
            for stale in self.scopes.stale(key, [p.key for p in built]):
                self._remove_page(stale)

    def _write_page(self, page: Page) -> None:
        existing = self._page_entry(page.key)
        if existing is not None and not self.journal.owned(existing):
            if page.kind != "note":
                self._propose(page, existing)
                return
            continued = self.scopes.continued(page, existing)
            if continued is None:
                self.report.count("unchanged")
                return
            page, existing = continued, None  # a digest a person edited goes on in a new one
        op = self._page_operation(page, existing)
        if op is None:
            self.report.count("unchanged")
            return
        self.report.ops.append(self.journal.commit(op))
        self.report.count("digested" if page.kind == "note" else "paged")

    def _remove_page(self, key: str) -> None:
        existing = self._page_entry(key)
        if existing is None or not self.journal.owned(existing):
            return  # gone already, or a person's now: theirs to keep
        op = self.journal.plan_remove(existing, {"digest": key})
        op.digests[key] = None
        self.report.ops.append(self.journal.commit(op))

    def _propose(self, page: Page, existing: Entry) -> None:
        """A page a person edited: what is new in the rebuilt page waits in review."""
        cand = new_lines(page, existing)
        if cand is None:
            self.report.count("unchanged")
            return
        decision = Decision("review", existing, "a page you edited has new lines", "update")
        on_commit = self.reviews.proposal(decision, cand)
        if on_commit is None:  # the same proposal already waits for review
            return
        events = [e.id for e in cand.events]
        detail = {"proposed": decision.proposed, "reason": decision.reason}
        op = log_only("review", existing.id, cand.title, existing.path, events, detail)
        self.report.ops.append(self.journal.commit(op, on_commit))
        self.report.count("review")

    def _page_entry(self, key: str) -> Entry | None:
        entry_id = log_rows.digest_entry(self.db, key)
        row = entry_rows.entry_row(self.db, entry_id) if entry_id else None
        return self.writer.read(row.path) if row else None

    def _page_operation(self, page: Page, existing: Entry | None) -> Operation | None:
        events = [e.id for e in page.events]
        fields = {
            "title": page.title,
            "tags": page.tags,
            "sources": page.sources,
            "valid_from": page.valid_from,
        }
        if existing is None:
            stamp = now_iso()
            entry = Entry(
                id=new_id(),
                title=page.title,
                kind=page.kind,
                body=page.body,
                tags=page.tags,
                sources=page.sources,
                valid_from=page.valid_from,
                created=stamp,
                updated=stamp,
            )
            op = self.journal.plan_entry(entry, page.folder, events)
        else:
            unchanged = all(getattr(existing, k) == v for k, v in fields.items())
            if unchanged and existing.body == page.body:
                return None
            op = self.journal.plan_rewrite(existing, fields, page.body, events)
        op.plan.action = "digest"
        op.detail = {"digest": page.key}
        op.digests[page.key] = op.entry_id
        return op

    def _finished(self, events: list[Event]) -> None:
        queue.mark_distilled(self.db, [e.id for e in events])
        self.done += len(events)
        self.progress(self.done, self.report.events)

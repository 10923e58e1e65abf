"""Writing distilled memories: files first (atomic, under the tree lock), then the index
rows, the audit record and the operation log in one transaction.

The operation log keeps, encrypted in the index, the bytes each file had before, so that
`amber undo` can restore files and index exactly. The hash of what the distiller wrote is
recorded too: a file whose bytes no longer match was edited by a person, and the
distiller never changes it again (see `owned`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlcipher3

from amber.distill.candidate import Candidate
from amber.distill.render import merged_body, new_body
from amber.errors import InvalidInputError
from amber.indexer import Indexer
from amber.store import audit
from amber.store import distill_log as log_rows
from amber.store.db import Database
from amber.tree import layout
from amber.tree.entry import Entry, new_id, now_iso, parse_entry, render_new, rewrite
from amber.tree.files import TreeFiles

INTERFACE = "distiller"
OnCommit = Callable[[sqlcipher3.Connection, str], None]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Planned:
    """One file an operation writes (text) or removes (None)."""

    path: str
    text: str | None
    entry_id: str
    claim: bool = True  # record it as the distiller's own writing


@dataclass
class Operation:
    action: str
    entry_id: str
    title: str
    path: str
    events: list[str] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)
    files: list[Planned] = field(default_factory=list)
    digests: dict[str, str | None] = field(default_factory=dict)


class TreeWriter:
    def __init__(self, db: Database, files: TreeFiles, indexer: Indexer, run_id: str) -> None:
        self.db = db
        self.files = files
        self.indexer = indexer
        self.run_id = run_id

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self.files.lock:
            yield

    # -- reading ---------------------------------------------------------------------------

    def read(self, rel_path: str) -> Entry | None:
        if not self.files.exists(rel_path):
            return None
        data = self.files.read_bytes(rel_path)
        return parse_entry(rel_path, data.decode("utf-8", errors="replace"))

    def owned(self, entry: Entry) -> bool:
        """Whether the file is exactly what the distiller last wrote (else a person's)."""
        if not entry.has_own_id or not self.files.exists(entry.path):
            return False
        recorded = log_rows.written_hashes(self.db, [entry.id]).get(entry.id)
        return recorded == sha256(self.files.read_bytes(entry.path))

    def text_of(self, rel_path: str) -> str:
        try:
            return self.files.read_bytes(rel_path).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                f"'{rel_path}' is not valid UTF-8, so Amber will not rewrite it; fix it by hand"
            ) from exc

    def free_path(self, folder: str, title: str) -> str:
        prefix = f"{folder}/" if folder else ""
        slug = layout.slugify(title)
        candidate = f"{prefix}{slug}.md"
        n = 2
        while self.files.exists(candidate):
            candidate, n = f"{prefix}{slug}-{n}.md", n + 1
        return candidate

    # -- planning --------------------------------------------------------------------------

    def plan_entry(self, entry: Entry, folder: str, events: list[str]) -> Operation:
        """A new entry file in `folder` (named from its title, never over another file)."""
        entry.path = self.free_path(folder, entry.title)
        op = Operation("add", entry.id, entry.title, entry.path, events)
        op.files.append(Planned(entry.path, render_new(entry), entry.id))
        return op

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
        text = self.text_of(target.path)
        new_text = rewrite(text, {**updates, "updated": now_iso()}, body)
        op = Operation("update", target.id, target.title, target.path, events)
        op.files.append(Planned(target.path, new_text, target.id, claim))
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
        old_text = self.text_of(target.path)
        archived = rewrite(old_text, {"superseded_by": [*target.superseded_by, entry.id]})
        archive_path = self._free_archive_path(target.path)
        op.action = "supersede"
        op.detail = {"replaces": target.id, "archived_to": archive_path}
        op.files += [
            Planned(target.path, None, target.id),
            Planned(archive_path, archived, target.id, claim_old),
        ]
        return op

    def plan_archive(self, target: Entry, reason: str) -> Operation:
        text = self.text_of(target.path)
        archive_path = self._free_archive_path(target.path)
        op = Operation(
            "archive",
            target.id,
            target.title,
            target.path,
            detail={"reason": reason, "archived_to": archive_path},
        )
        op.files += [
            Planned(target.path, None, target.id, claim=False),
            Planned(archive_path, text, target.id, claim=False),
        ]
        return op

    def _free_archive_path(self, rel_path: str) -> str:
        path = layout.archive_path(rel_path)
        stem = path.removesuffix(".md")
        n = 2
        while self.files.exists(path):
            path, n = f"{stem}-{n}.md", n + 1
        return path

    # -- committing ------------------------------------------------------------------------

    def commit(self, op: Operation, on_commit: OnCommit | None = None) -> str:
        """Apply an operation (the caller holds the tree lock); returns its id. `on_commit`
        runs inside the same transaction (e.g. to resolve the review item it came from)."""
        op_id = new_id()
        changes = [
            log_rows.FileChange(
                p.path,
                self._bytes_or_none(p.path),
                None if p.text is None else sha256(p.text.encode()),
            )
            for p in op.files
        ]
        restore = self._restore_point(op)
        self._write_files(op.files)
        try:
            with self.db.write() as conn:
                self._index(conn, [p.path for p in op.files])
                self._claim(conn, op.files)
                for key, entry_id in op.digests.items():
                    log_rows.set_digest(conn, key, entry_id)
                detail = {**op.detail, "restore": restore}
                record = log_rows.OpRecord(
                    op_id, self.run_id, now_iso(), op.action, op.entry_id, op.title, op.path, detail
                )
                log_rows.record_op(conn, record, changes, op.events)
                audit.record(conn, INTERFACE, op.action, op.entry_id, {"op": op_id})
                if on_commit:
                    on_commit(conn, op_id)
        except BaseException:
            self.restore_files(changes)  # the index never saw the change; neither may the tree
            raise
        return op_id

    def log_only(self, op: Operation, on_commit: OnCommit | None = None) -> str:
        """Record an operation that changes no file (noop, review, reject)."""
        return self.commit(op, on_commit)

    def _restore_point(self, op: Operation) -> dict[str, object]:
        ids = list(dict.fromkeys(p.entry_id for p in op.files))
        written = log_rows.written_hashes(self.db, ids)
        digests = {k: log_rows.digest_entry(self.db, k) for k in op.digests}
        return {"written": {i: written.get(i) for i in ids}, "digests": digests}

    def _bytes_or_none(self, rel_path: str) -> bytes | None:
        return self.files.read_bytes(rel_path) if self.files.exists(rel_path) else None

    def _write_files(self, planned: list[Planned]) -> None:
        for p in planned:
            if p.text is not None:
                self.files.write_text(p.path, p.text)
        for p in planned:
            if p.text is None:
                self.files.delete(p.path)

    def restore_files(self, changes: list[log_rows.FileChange]) -> None:
        for change in changes:
            if change.before is None:
                self.files.delete(change.path)
            else:
                self.files.write_text(change.path, change.before.decode("utf-8"))

    def _index(self, conn: sqlcipher3.Connection, paths: list[str]) -> None:
        # Files that exist first: a moved entry keeps its index row (and vectors, lifecycle)
        # when its new path claims the row by id before the old path is dropped.
        ordered = sorted(dict.fromkeys(paths), key=lambda p: not self.files.exists(p))
        for path in ordered:
            self.indexer.index_in(conn, path, None)

    def _claim(self, conn: sqlcipher3.Connection, planned: list[Planned]) -> None:
        for p in planned:
            if p.claim and p.text is not None:
                log_rows.set_written(conn, p.entry_id, sha256(p.text.encode()))

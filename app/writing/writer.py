"""The one way Amber changes the Context Tree: files, index and audit as one unit.

`EntryWriter.commit(plan)`, with the tree lock held:

1. refuses a file the index would skip as too large;
2. takes the index's write lock (so that nothing waits for it with files half written);
3. checks that every file still holds what the plan was made from (compare-and-swap: an
   edit made meanwhile is reported, never overwritten);
4. writes the files atomically (temp file + rename), then renames, then removals;
5. in the same transaction: indexes every path (the index rows follow the files), writes
   the audit record (naming who asked, see `acting_for`), forgets what the plan forgets,
   and runs the caller's `on_commit` (the distiller's operation log, a review decision);
6. if anything fails before the commit, puts back every file that still holds what this
   commit wrote: the index never saw the change, so neither may the tree (and an edit
   made in the meantime stays).

The service (CLI, TUI, MCP), the distiller, review, archive and undo all write through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlcipher3

from amber.errors import ConflictError, InvalidInputError
from amber.indexer import Indexer
from amber.store import audit, distill_log, review
from amber.store import entries as entry_rows
from amber.store.db import Database
from amber.tree import layout
from amber.tree.entry import Entry, parse_entry
from amber.tree.files import Expected, TreeFiles
from amber.writing.plan import ABSENT, ANY, FileWrite, WritePlan, sha256

OnCommit = Callable[[sqlcipher3.Connection, "Commit"], None]


@dataclass(frozen=True)
class FileChange:
    """A file as it was before a commit, and the hash it has after (None: removed)."""

    path: str
    before: bytes | None
    after_hash: str | None
    before_mtime_ns: int | None = None  # restored too, so a put-back file is not "drift"


@dataclass(frozen=True)
class Commit:
    id: str
    plan: WritePlan
    changes: tuple[FileChange, ...]


class EntryWriter:
    def __init__(self, db: Database, files: TreeFiles, indexer: Indexer, interface: str) -> None:
        self.db = db
        self.files = files
        self.indexer = indexer
        self.interface = interface
        self.requester: dict[str, object] = {}

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The tree lock: one writer at a time, across processes."""
        with self.files.lock:
            yield

    @contextmanager
    def acting_for(self, requester: dict[str, object]) -> Iterator[None]:
        """Name who asked for the writes made inside (an agent, from its MCP handshake) in
        their audit records. Threads sharing a writer take turns around this block."""
        previous = self.requester
        self.requester = {**previous, **requester}
        try:
            yield
        finally:
            self.requester = previous

    # -- reading what a plan is made from ----------------------------------------------------

    def read(self, rel_path: str) -> Entry | None:
        """The entry in a file, or None when there is no such file."""
        data = self.bytes_of(rel_path)
        if data is None:
            return None
        return parse_entry(rel_path, data.decode("utf-8", errors="replace"))

    def bytes_of(self, rel_path: str) -> bytes | None:
        return self.files.read_bytes(rel_path) if self.files.exists(rel_path) else None

    def free_path(self, folder: str, title: str) -> str:
        """A new file name in `folder` from `title`, never one that exists."""
        stem = f"{folder}/{layout.slugify(title)}" if folder else layout.slugify(title)
        return self._free(stem)

    def free_archive_path(self, rel_path: str) -> str:
        return self._free(layout.archive_path(rel_path).removesuffix(".md"))

    def _free(self, stem: str) -> str:
        """`stem`.md, else `stem`-2.md...: never a file that exists, nor a folder's
        context.md (an entry titled "Context" would not be read as one)."""
        candidate = f"{stem}.md"
        n = 2
        while self.files.exists(candidate) or layout.is_context_file(candidate):
            candidate = f"{stem}-{n}.md"
            n += 1
        return candidate

    # -- committing ---------------------------------------------------------------------------

    def commit(self, plan: WritePlan, on_commit: OnCommit | None = None) -> Commit:
        """Apply a plan (the caller holds the tree lock); see the module docstring."""
        if (plan.files or plan.moves) and not self.files.lock.is_locked:
            raise RuntimeError("EntryWriter.commit changes files: hold writer.locked()")
        self._check_sizes(plan.files)
        changes: tuple[FileChange, ...] = ()
        applied = False
        try:
            with self.db.write() as conn:
                changes = self._check_expected(plan)
                commit = Commit(plan.id, plan, changes)
                applied = True
                self._apply(plan)
                self._record(conn, commit, on_commit)
        except BaseException:
            if applied:
                self._put_back(plan, changes)
            raise
        if plan.forget:
            self.db.checkpoint()  # no copy of what was forgotten stays in the WAL
        return commit

    def _record(
        self, conn: sqlcipher3.Connection, commit: Commit, on_commit: OnCommit | None
    ) -> None:
        plan = commit.plan
        if plan.forget:  # before indexing: a copy refused the id may take it now
            self._forget_rows(conn, plan)
        self._index(conn, plan.paths)
        who = plan.interface or self.interface
        audit.record(conn, who, plan.action, plan.entry_id, {**self.requester, **plan.audit})
        if on_commit is not None:
            on_commit(conn, commit)

    def _restore(self, changes: list[FileChange]) -> None:
        """Put files back as they were before a commit."""
        for change in changes:
            if change.before is None:
                self.files.delete(change.path)
            else:
                self.files.write_bytes(change.path, change.before, change.before_mtime_ns)

    def _put_back(self, plan: WritePlan, changes: tuple[FileChange, ...]) -> None:
        """Undo a commit that failed, file by file, leaving alone any file that no longer
        holds what the commit left there (someone saved it meanwhile)."""
        for move in reversed(plan.moves):
            if _hash(self.bytes_of(move.target)) == move.expected:
                self.files.move(move.target, move.source)
        ours = [c for c in changes if _hash(self.bytes_of(c.path)) == c.after_hash]
        self._restore(ours)

    def _check_sizes(self, writes: list[FileWrite]) -> None:
        limit = self.indexer.max_file_bytes
        for write in writes:
            size = len(write.data or b"")
            if size > limit:
                raise InvalidInputError(
                    f"this entry would be {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB "
                    "that Amber indexes ([tree] max_file_bytes in config.toml); split it or "
                    "import it as a conversation"
                )

    def _check_expected(self, plan: WritePlan) -> tuple[FileChange, ...]:
        changes = []
        for write in plan.files:
            before = self._expect(write.path, write.expected)
            stat = self.files.stat(write.path) if before is not None else None
            mtime = stat.mtime_ns if stat else None
            changes.append(FileChange(write.path, before, write.after_hash, mtime))
        for move in plan.moves:
            self._expect(move.source, move.expected)
            self._expect(move.target, ABSENT)
        return tuple(changes)

    def _expect(self, rel_path: str, expected: str | object | None) -> bytes | None:
        """The file's bytes, when they are what the plan expects (else ConflictError)."""
        before = self.bytes_of(rel_path)
        if expected is not ANY and expected != _hash(before):
            raise ConflictError(_changed_message(rel_path, before), rel_path)
        return before

    def _apply(self, plan: WritePlan) -> None:
        for write in plan.files:
            if write.data is not None:
                self.files.write_bytes(write.path, write.data, expected=_expected(write))
        for move in plan.moves:
            self.files.move(move.source, move.target)
        for write in plan.files:
            if write.data is None:
                self.files.delete(write.path)

    def _index(self, conn: sqlcipher3.Connection, paths: list[str]) -> None:
        # Files that exist first: a moved entry keeps its index row (and vectors, lifecycle)
        # when its new path claims the row by id before the old path is dropped.
        ordered = sorted(dict.fromkeys(paths), key=lambda p: not self.files.exists(p))
        for path in ordered:
            self.indexer.index_in(conn, path, None)

    def _forget_rows(self, conn: sqlcipher3.Connection, plan: WritePlan) -> None:
        """What indexing a removed file leaves behind: rows of the id at another path, its
        lifecycle, and the copies of its text the distiller kept for undo."""
        for write in plan.files:
            entry_rows.delete_entry_rows(conn, write.entry_id, write.path)
            entry_rows.forget_lifecycle(conn, write.entry_id)
            self.indexer.release_id(conn, write.entry_id)
            distill_log.purge_entry(conn, write.entry_id, write.path)
            review.drop_for_target(conn, write.entry_id)
            audit.scrub(conn, write.entry_id)


def _expected(write: FileWrite) -> Expected | None:
    """The compare-and-swap checked again just before and just after the rename: an
    editor's save during the write's fsync, or into the file it had open, is not lost."""
    return None if write.expected is ANY else Expected(write.expected)  # type: ignore[arg-type]


def _hash(data: bytes | None) -> str | None:
    return None if data is None else sha256(data)


def _changed_message(rel_path: str, now: bytes | None) -> str:
    if now is None:
        return f"'{rel_path}' was removed meanwhile; nothing was written"
    return f"'{rel_path}' changed on disk meanwhile; nothing was written, reload it and retry"

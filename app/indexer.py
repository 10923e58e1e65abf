"""The one indexing path: every way an entry can change (CLI, MCP, daemon, an editor,
`git pull`) ends here, so the index can never disagree with the files for long."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlcipher3

from amber.ids import path_id
from amber.store import audit, fulltext
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store import vectors as vector_rows
from amber.store.db import Database
from amber.tree.entry import Entry, parse_entry
from amber.tree.files import FileStat, TreeFiles
from amber.tree.layout import is_entry_file
from amber.tree.sources import source_kind

BINARY_SNIFF_BYTES = 8192
BATCH_FILES = 500  # files indexed per transaction: one commit (fsync) each, not per file


@dataclass
class ReconcileReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)


def source_kinds(sources: list[str]) -> str:
    """Space-separated source kinds of an entry's provenance, for the --source filter."""
    return " ".join(sorted({source_kind(ref) for ref in sources})) or "manual"


def decode_entry_bytes(rel_path: str, data: bytes) -> tuple[Entry | None, str | None]:
    """(entry, None) or (None, reason to skip). Invalid UTF-8 is kept searchable."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return None, "binary file (contains NUL bytes); not indexed"
    try:
        text = data.decode("utf-8")
        problem = None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        problem = f"invalid UTF-8 at byte {exc.start}; indexed as plain text"
    entry = parse_entry(rel_path, text)
    if problem:
        entry.problem = f"{entry.problem}; {problem}" if entry.problem else problem
    return entry, None


class Indexer:
    def __init__(self, db: Database, files: TreeFiles, max_file_bytes: int) -> None:
        self.db = db
        self.files = files
        self.max_file_bytes = max_file_bytes

    def index_file(self, rel_path: str, interface: str | None = None) -> str:
        """Bring the index in line with one file; returns added/updated/removed/unchanged/skipped.

        `interface` names who changed the file when Amber did not (an editor, git); it goes
        into the audit log. Amber's own writes are audited by the service instead.
        """
        with self.db.write() as conn:
            return self.index_in(conn, rel_path, interface)

    def index_in(self, conn: sqlcipher3.Connection, rel_path: str, who: str | None) -> str:
        """`index_file` inside the caller's transaction (to batch files, or to audit too)."""
        stat = self.files.stat(rel_path)
        if stat is None or not is_entry_file(rel_path):  # gone, or never an entry
            return self._remove_in(conn, rel_path, who)
        data = self.files.read_bytes(rel_path)
        digest = hashlib.sha256(data).hexdigest()
        known = conn.execute(
            "SELECT content_hash FROM entries WHERE path = ?", (rel_path,)
        ).fetchone()
        if known and known[0] == digest:
            conn.execute(
                "UPDATE entries SET mtime_ns = ?, size = ? WHERE path = ?",
                (stat.mtime_ns, stat.size, rel_path),
            )
            return "unchanged"
        return self._store_in(conn, rel_path, data, digest, stat, who) or (
            "updated" if known else "added"
        )

    def _store_in(
        self,
        conn: sqlcipher3.Connection,
        rel: str,
        data: bytes,
        digest: str,
        stat: FileStat,
        who: str | None,
    ) -> str | None:
        """Write the index rows of one file; 'skipped' when it cannot be an entry."""
        reason = self._too_large(stat)
        entry = None
        if reason is None:
            entry, reason = decode_entry_bytes(rel, data)
        if entry is None:
            entry_rows.delete_entry_rows(conn, "", rel)
            entry_rows.record_skip(conn, rel, reason or "", stat.mtime_ns, stat.size)
            return "skipped"
        entry_rows.clear_skip(conn, rel)
        self._resolve_duplicate_id(conn, entry)
        kinds = source_kinds(entry.provenance)
        entry_rows.upsert_entry(conn, entry, digest, stat.mtime_ns, stat.size, kinds)
        if who:
            audit.record(conn, who, "file-changed", entry.id, {"path": rel})
        return None

    def _too_large(self, stat: FileStat) -> str | None:
        if stat.size <= self.max_file_bytes:
            return None
        return (
            f"too large ({stat.size / 1e6:.1f} MB > {self.max_file_bytes / 1e6:.1f} MB limit, "
            "[tree] max_file_bytes in config.toml); not indexed"
        )

    def _resolve_duplicate_id(self, conn: sqlcipher3.Connection, entry: Entry) -> None:
        """A copied file carries its original's id; the copy gets a path id, not a clash."""
        row = conn.execute(
            "SELECT path FROM entries WHERE id = ? AND path != ?", (entry.id, entry.path)
        ).fetchone()
        if row and self.files.exists(row[0]):
            note = f"duplicate id {entry.id} (also in {row[0]}); give this file a new id"
            entry.problem = f"{entry.problem}; {note}" if entry.problem else note
            entry.id = path_id(entry.path)
            entry.has_own_id = False

    def _remove_in(self, conn: sqlcipher3.Connection, rel_path: str, who: str | None) -> str:
        entry_rows.clear_skip(conn, rel_path)
        removed = entry_rows.delete_entry_rows(conn, "", rel_path)
        for entry_id in removed:
            entry_rows.forget_lifecycle(conn, entry_id)
            self.release_id(conn, entry_id)
            if who:
                audit.record(conn, who, "file-removed", entry_id, {"path": rel_path})
        return "removed" if removed else "unchanged"

    def release_id(self, conn: sqlcipher3.Connection, entry_id: str) -> None:
        """The entry with this id is gone: a copy that was refused the id as a duplicate
        is indexed again, and takes it."""
        rows = conn.execute(
            "SELECT path FROM entries WHERE problem LIKE ? ESCAPE '\\'",
            (f"%duplicate id {entry_id} %",),
        ).fetchall()
        for (rel,) in rows:
            stat = self.files.stat(rel)
            if stat is not None:
                data = self.files.read_bytes(rel)
                self._store_in(conn, rel, data, hashlib.sha256(data).hexdigest(), stat, None)

    def reconcile(
        self, interface: str | None = "editor", verify_hashes: bool = False
    ) -> ReconcileReport:
        """Compare the tree with the index (stat first, hash when stat differs) and fix drift."""
        report = ReconcileReport()
        indexed = entry_rows.indexed_files(self.db)
        skipped = entry_rows.skipped_files(self.db)
        todo = []
        for stat in self.files.walk():
            known = indexed.pop(stat.rel_path, None)
            if not verify_hashes and _same_stat(known, skipped.get(stat.rel_path), stat):
                report.unchanged += 1
            else:
                todo.append(stat.rel_path)
        todo += [*indexed, *(p for p in skipped if not self.files.exists(p))]
        for start in range(0, len(todo), BATCH_FILES):
            with self.db.write() as conn:
                for rel_path in todo[start : start + BATCH_FILES]:
                    _tally(report, rel_path, self.index_in(conn, rel_path, interface))
        report.skipped = {p: s.reason for p, s in entry_rows.skipped_files(self.db).items()}
        return report

    def rebuild(self) -> ReconcileReport:
        """Drop every derived row and rebuild it from the files and the events."""
        with self.db.write() as conn:
            fulltext.clear(conn)
            for table in ("entry_names", "entries", "skipped_files"):
                conn.execute(f"DELETE FROM {table}")
            vector_rows.delete_all_entries(conn)
            event_rows.reindex_events(conn)
        return self.reconcile(interface=None)  # the caller audits the rebuild as one act


def _same_stat(
    known: entry_rows.IndexedFile | None, skipped: entry_rows.SkippedFile | None, stat: FileStat
) -> bool:
    seen = known or skipped
    return seen is not None and (seen.mtime_ns, seen.size) == (stat.mtime_ns, stat.size)


def _tally(report: ReconcileReport, rel_path: str, outcome: str) -> None:
    if outcome in ("added", "updated", "removed"):
        getattr(report, outcome).append(rel_path)
    elif outcome == "unchanged":
        report.unchanged += 1

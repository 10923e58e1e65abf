"""Bringing folders' context.md files in line with the index, through the one entry writer.

Each file is rebuilt from the index rows alone, so the same tree always gives the same
bytes and a refresh that finds them equal writes nothing. A file a person wrote or edited
(amber/tree/context.py `owner`) is left alone and reported; a folder left without entries
loses the file Amber wrote there (and the folder with it, when nothing else is in it).
All the changes of one refresh are one write plan: compared with what the files held when
it was made, written, audited together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from amber.contexts import folders as tree_folders
from amber.contexts.listing import listing
from amber.errors import ConflictError
from amber.store import outline
from amber.tree import context, layout
from amber.writing.plan import ABSENT, FileWrite, WritePlan, sha256
from amber.writing.writer import EntryWriter

ACTION = "context"
TRIES = 3  # a person saving a context.md while it is refreshed: plan again, keep theirs


@dataclass
class ContextReport:
    written: list[str] = field(default_factory=list)  # created or brought up to date
    removed: list[str] = field(default_factory=list)  # their folders hold no entries now
    kept: list[str] = field(default_factory=list)  # a person's: left as they are
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def refresh(
    writer: EntryWriter,
    folders: Iterable[str] | None = None,
    *,
    below: str = "",
    create: bool = True,
) -> ContextReport:
    """Refresh the context.md of `folders` and of every folder above them, up to the root
    (None: of every folder in `below` and below it, '' for the whole tree, and above it).
    `create=False` only updates or removes the files that exist (after a forget: no trace
    of what was forgotten stays, and a person's write adds no files)."""
    wanted = None if folders is None else sorted(with_parents(folders))
    if wanted == []:
        return ContextReport()
    tries = TRIES
    with writer.locked():
        while True:
            plan, report = _plan(writer, wanted, below, create)
            if not plan.files:
                return report
            try:
                writer.commit(plan)
            except ConflictError:
                tries -= 1
                if not tries:
                    raise
            else:
                return report


def folders_of(paths: Iterable[str]) -> set[str]:
    """The folders these tree paths are in."""
    return {path.rsplit("/", 1)[0] if "/" in path else "" for path in paths}


def with_parents(folders: Iterable[str]) -> set[str]:
    """These folders and every folder above them; the archive is Amber's, not a domain."""
    found = set()
    for folder in folders:
        parts = [p for p in folder.split("/") if p]
        if parts[:1] == [layout.ARCHIVE]:
            continue
        found.update("/".join(parts[:n]) for n in range(len(parts) + 1))
    return found


def _plan(
    writer: EntryWriter, wanted: list[str] | None, below: str, create: bool
) -> tuple[WritePlan, ContextReport]:
    root = tree_folders.build(outline.listed_entries(writer.db))
    targets = wanted if wanted is not None else _every_folder(writer, root, below)
    plan = WritePlan(ACTION, "", "context.md")
    report = ContextReport()
    for folder in targets:
        node = tree_folders.find(root, folder)
        text = context.render(listing(node)) if node is not None and node.total else None
        write = _write(writer, layout.context_path(folder), text, report, create)
        if write is not None:
            plan.add(write)
    plan.audit = {"written": len(report.written), "removed": len(report.removed)}
    return plan, report


def _every_folder(writer: EntryWriter, root: tree_folders.Folder, below: str) -> list[str]:
    """Folders with entries and folders with a context.md (to tidy) in `below` and below
    it, and the folders above it."""
    indexed = {f.path for f in tree_folders.every_folder(root)}
    found = indexed | with_parents(folders_of(writer.files.context_files()))
    inside = {f for f in found if not below or f == below or f.startswith(below + "/")}
    return sorted(inside | with_parents([below]))


def _write(
    writer: EntryWriter, path: str, text: str | None, report: ContextReport, create: bool
) -> FileWrite | None:
    """The change a context.md needs (None: none), noted in `report`."""
    if writer.files.abspath(path).exists() and not writer.files.exists(path):
        return None  # a folder or something else named context.md: not Amber's to replace
    before = writer.bytes_of(path)
    if before is None and not create:
        return None
    who = context.owner(None if before is None else before.decode("utf-8", errors="replace"))
    if who == "person":
        if text is not None:
            report.kept.append(path)
        return None
    if text is None:
        if before is None:
            return None
        report.removed.append(path)
        return FileWrite(path, None, "", sha256(before))
    data = text.encode("utf-8")
    if data == before:
        report.unchanged += 1
        return None
    report.written.append(path)
    return FileWrite(path, data, "", ABSENT if before is None else sha256(before))

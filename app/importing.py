"""Importing export files as events: redacted, committed in batches, idempotent.

Events go in through `amber.ingest` (redacted, flagged, inserted once), a batch per
transaction; the import's audit record is committed with its last batch. A batch is
acknowledged (reported to `on_commit`) only after its transaction committed, so a `kill -9`
loses nothing that was acknowledged, and re-running the import completes it without
duplicates (events are unique by their dedup key).

Within one file, a message id used again for a different message gets a suffix (`m1#2`,
the same on every import of the file) instead of the second message being taken for the
first; an exact repeat of a message is stored once and counted as `repeated`, not as
already known.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlcipher3

from amber.errors import ImportFormatError, InvalidInputError
from amber.events import EventDraft
from amber.ingest import MAX_EVENT_BYTES, ingest
from amber.pluginspec import Importer, build_plugin_manager, collect_importers
from amber.store import audit
from amber.store.db import Database

BATCH_SIZE = 500


@dataclass
class ImportResult:
    path: str
    format: str
    read: int = 0
    added: int = 0
    redacted: int = 0
    repeated: int = 0  # exact copies of a message earlier in the same file
    skipped: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (where, new message id)
    titles_counted: set[str] = field(default_factory=set, repr=False)  # see Ingested

    @property
    def duplicates(self) -> int:
        """Messages read that added nothing: already known, or repeated in the file."""
        return self.read - self.added

    def to_json(self) -> dict[str, object]:
        data = {k: v for k, v in vars(self).items() if k != "titles_counted"}
        return {**data, "duplicates": self.duplicates, "known": self.known}

    @property
    def known(self) -> int:
        """Messages read that an earlier import (or capture) had already stored."""
        return self.duplicates - self.repeated


def available_importers(load_entry_points: bool = True) -> dict[str, Importer]:
    return collect_importers(build_plugin_manager(load_entry_points))


def choose_importer(path: Path, importers: dict[str, Importer], name: str | None) -> Importer:
    _check_is_file(path)
    if _is_blank(path):
        raise ImportFormatError(f"{path}: the file is empty; there is nothing to import")
    if name:
        if name not in importers:
            known = ", ".join(sorted(importers))
            raise InvalidInputError(f"unknown format '{name}'; known formats: {known}")
        return importers[name]
    for importer in importers.values():
        if importer.detect(path):
            return importer
    known = ", ".join(sorted(importers))
    raise ImportFormatError(
        f"{path}: not a conversation format Amber can read (known: {known}); "
        "see `amber import conversation --help` for the generic format"
    )


def _check_is_file(path: Path) -> None:
    if path.is_dir():
        raise InvalidInputError(
            f"{path}: is a folder, not a file; name the export file (folders of agent "
            "sessions: `amber import claude-code FOLDER` or `amber import codex FOLDER`)"
        )
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")


def _is_blank(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return not head.removeprefix(b"\xef\xbb\xbf").strip() and path.stat().st_size <= 4096


def import_file(
    db: Database,
    path: Path,
    importer: Importer,
    interface: str,
    on_commit: Callable[[int], None] | None = None,
    *,
    chosen: bool = False,
    max_event_bytes: int = MAX_EVENT_BYTES,
) -> ImportResult:
    """Store the messages of ``path``. ``chosen``: the user named the format, so a file in
    which nothing reads as that format is an error, not an import of nothing."""
    _check_is_file(path)
    drafts, skipped = _read(importer, path)
    result = ImportResult(str(path), importer.name)
    result.skipped = skipped  # filled in as the file is read
    record = _AuditRecord(interface, result)
    try:
        for batch, salvaged in _batches(_Distinct(result).drafts(drafts), BATCH_SIZE):
            with db.write() as conn:
                _store(conn, batch, result, max_event_bytes)
                record.save(conn)
            if on_commit and not salvaged:  # the error that follows says what was stored
                on_commit(result.read)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{exc} ({_stored_note(result)})") from exc
    if not result.read:
        _check_chosen(path, importer, chosen)
        with db.write() as conn:  # an import of nothing is audited too
            record.save(conn)
    return result


def _store(
    conn: sqlcipher3.Connection, batch: list[EventDraft], result: ImportResult, max_bytes: int
) -> None:
    got = ingest(conn, batch, max_bytes)
    result.read += len(batch)
    result.added += got.added
    result.redacted += got.redacted
    for title, secrets in got.redacted_titles.items():
        if title not in result.titles_counted:
            result.titles_counted.add(title)
            result.redacted += secrets


def _check_chosen(path: Path, importer: Importer, chosen: bool) -> None:
    """`chosen`: the user named the format, so a file in which nothing reads as that
    format is an error, not an import of nothing."""
    if chosen and not importer.detect(path):
        raise ImportFormatError(
            f"{path}: not a {importer.name} file (nothing in it reads as {importer.name}); "
            "leave out --format to detect the format (`amber import formats` lists them)"
        )


class _Distinct:
    """Each message of one file once, under an id of its own (see the module docstring).
    Holds 128 bits of each dedup key and 64 of its text's hash: ~130 bytes a message."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.texts: dict[int, int] = {}

    def drafts(self, drafts: Iterable[EventDraft]) -> Iterator[EventDraft]:
        for draft in drafts:
            yield self._place(draft)

    def _place(self, draft: EventDraft) -> EventDraft:
        digest = hashlib.blake2b(draft.text.encode("utf-8", "surrogatepass"), digest_size=8)
        text = int.from_bytes(digest.digest())
        candidate = draft
        n = 1
        while (held := self.texts.get(key := _key(candidate))) not in (None, text):
            n += 1  # the id holds another message of this file: try the next suffix
            candidate = replace(draft, message_id=f"{draft.message_id}#{n}")
        if held == text:
            self.result.repeated += 1  # the store keeps the first copy and ignores this one
            return candidate
        self.texts[key] = text
        if n > 1:
            where = f"{self.result.path}: {draft.conversation}#{draft.message_id}"
            self.result.renamed.append((where, candidate.message_id))
        return candidate


def _key(draft: EventDraft) -> int:
    return int(draft.dedup_key[:32], 16)


def _read(importer: Importer, path: Path) -> tuple[Iterator[EventDraft], list[tuple[str, str]]]:
    reader = getattr(importer, "read_with_report", None)
    if reader is None:
        return iter(importer.read(path)), []
    drafts, report = reader(path)
    return drafts, report.skipped


def _batches(items: Iterable[EventDraft], size: int) -> Iterator[tuple[list[EventDraft], bool]]:
    """(batch of `size` items, salvaged); when reading fails midway, the messages read
    before the error still come out as a last batch (salvaged: they are stored), then the
    error."""
    batch: list[EventDraft] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) == size:
                yield batch, False
                batch = []
    except ImportFormatError:
        if batch:
            yield batch, True
        raise
    if batch:
        yield batch, False


def _stored_note(result: ImportResult) -> str:
    if not result.read:
        return "nothing was stored"
    return (
        f"the {result.read} messages before it are stored; fix the file and import it again, "
        "stored messages are not duplicated"
    )


class _AuditRecord:
    """The import's audit record, kept in step with what is stored: written with the first
    batch, brought up to date with each later one, in that batch's own transaction (an
    interrupted import is audited as far as it got)."""

    def __init__(self, interface: str, result: ImportResult) -> None:
        self.interface = interface
        self.result = result
        self.rowid: int | None = None

    def save(self, conn: sqlcipher3.Connection) -> None:
        result = self.result
        detail = {"format": result.format, "read": result.read, "added": result.added}
        if self.rowid is None:
            self.rowid = audit.record(conn, self.interface, "import", result.path, detail)
        else:
            audit.set_detail(conn, self.rowid, detail)

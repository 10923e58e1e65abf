"""Importing export files as events: redacted, committed in batches, idempotent.

A batch is acknowledged (reported to `on_commit`) only after its transaction committed, so
a `kill -9` loses nothing that was acknowledged, and re-running the import completes it
without duplicates (events are unique by their dedup key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from amber.errors import ImportFormatError, InvalidInputError
from amber.events import EventDraft
from amber.pluginspec import Importer, build_plugin_manager, collect_importers
from amber.redact import redact
from amber.store import audit
from amber.store import events as event_rows
from amber.store.db import Database

BATCH_SIZE = 500


@dataclass
class ImportResult:
    path: str
    format: str
    read: int = 0
    added: int = 0
    redacted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.read - self.added


def available_importers(load_entry_points: bool = True) -> dict[str, Importer]:
    return collect_importers(build_plugin_manager(load_entry_points))


def choose_importer(path: Path, importers: dict[str, Importer], name: str | None) -> Importer:
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
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
) -> ImportResult:
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    drafts, skipped = _read(importer, path)
    result = ImportResult(str(path), importer.name)
    try:
        for batch in _batches(drafts, BATCH_SIZE):
            clean = [_redacted(d, result) for d in batch]
            with db.write() as conn:
                result.added += event_rows.insert_events(conn, clean)
            result.read += len(batch)
            if on_commit:
                on_commit(result.read)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{exc} ({_stored_note(result)})") from exc
    result.skipped = list(skipped)
    _audit(db, interface, result)
    return result


def _read(importer: Importer, path: Path) -> tuple[Iterator[EventDraft], list[tuple[str, str]]]:
    reader = getattr(importer, "read_with_report", None)
    if reader is None:
        return iter(importer.read(path)), []
    drafts, report = reader(path)
    return drafts, report.skipped


def _redacted(draft: EventDraft, result: ImportResult) -> EventDraft:
    red = redact(draft.text)
    if not red.kinds:
        return draft
    result.redacted += len(red.kinds)
    return replace(draft, text=red.text)


def _batches(items: Iterable[EventDraft], size: int) -> Iterator[list[EventDraft]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _stored_note(result: ImportResult) -> str:
    if not result.read:
        return "nothing was stored"
    return (
        f"the {result.read} messages before it are stored; fix the file and import it again, "
        "stored messages are not duplicated"
    )


def _audit(db: Database, interface: str, result: ImportResult) -> None:
    detail = {"format": result.format, "read": result.read, "added": result.added}
    with db.write() as conn:
        audit.record(conn, interface, "import", result.path, detail)

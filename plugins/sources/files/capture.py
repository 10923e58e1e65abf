"""Capturing one file: compare with what was captured, read, chunk, emit new chunks.

Progress per file (mtime, size, chunk hashes) is committed in the same transaction as the
file's new events; the in-memory marks move only when that commit is acknowledged.
"""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from amber.plugins.sources.files.chunking import Chunk, chunk_markdown, chunk_pages, chunk_text
from amber.plugins.sources.files.readers import Document, Unreadable, read_document
from amber.plugins.sources.files.settings import FileSettings
from amber.pluginspec import CaptureContext, EventDraft

log = logging.getLogger("amber.daemon")
EVENT_SOURCE = "file"  # the events' source kind (`amber recall --source file`)


class FileCapturer:
    def __init__(self, ctx: CaptureContext, settings: FileSettings) -> None:
        self.ctx = ctx
        self.settings = settings
        self.progress = ctx.progress
        self.marks: dict[str, tuple[int, int]] = self.progress.file_marks()
        self.failed: dict[str, tuple[int, int]] = {}  # unreadable: retried once it changes

    def capture(self, path: Path, folder: Path) -> None:
        key = str(path)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self.forget(key)
            return
        except OSError as exc:
            self.ctx.error(f"cannot read {path}: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode):
            return  # symlinks and devices are not followed
        mark = (info.st_mtime_ns, info.st_size)
        if self.marks.get(key) == mark or self.failed.get(key) == mark:
            return
        self._capture_changed(path, folder, mark)

    def _capture_changed(self, path: Path, folder: Path, mark: tuple[int, int]) -> None:
        key = str(path)
        try:
            doc = read_document(
                path, mark[1], self.settings.max_file_bytes, self.settings.max_pdf_bytes
            )
        except Unreadable as why:
            log.info("files: skipped %s: %s", path, why)
            self.ctx.skipped()
            self.failed[key] = mark
            return
        except OSError as exc:  # permissions, a file that vanished mid-read, I/O errors
            self.ctx.error(f"cannot read {path}: {exc.strerror or exc}")
            self.failed[key] = mark
            return
        self._emit(path, folder, mark, self._chunks(doc), doc.kind)

    def _chunks(self, doc: Document) -> list[Chunk]:
        size = self.settings.max_chunk_chars
        if doc.kind == "pdf":
            return chunk_pages(doc.pages, size)
        if doc.kind == "markdown":
            return chunk_markdown(doc.text, size)
        return chunk_text(doc.text, size)

    def _emit(
        self, path: Path, folder: Path, mark: tuple[int, int], chunks: list[Chunk], kind: str
    ) -> None:
        key = str(path)
        known = self.progress.file_chunks(key) if key in self.marks else frozenset()
        new = [c for c in chunks if c.hash not in known]
        self.ctx.skipped(len(chunks) - len(new))
        stamp = datetime.fromtimestamp(mark[0] / 1e9, UTC)
        drafts = [_draft(path, folder, c, kind, stamp) for c in new]
        checkpoint = self.progress.save_file(key, *mark, frozenset(c.hash for c in chunks))

        def ack() -> None:
            self.marks[key] = mark
            self.failed.pop(key, None)

        self.ctx.emit(drafts, checkpoint=checkpoint, ack=ack, wait=True)  # else lost till rescan

    def forget(self, key: str) -> None:
        """A deleted file: its events stay (they are history), its progress row goes."""
        if key not in self.marks:
            return
        checkpoint = self.progress.forget_file(key)
        self.ctx.emit([], checkpoint=checkpoint, ack=lambda: self.marks.pop(key, None), wait=True)


def _draft(path: Path, folder: Path, chunk: Chunk, kind: str, stamp: datetime) -> EventDraft:
    title = f"{path.name} › {chunk.heading}" if chunk.heading else path.name
    return EventDraft(
        source=EVENT_SOURCE,
        text=chunk.text,
        uri=str(path),
        conversation=str(path),
        message_id=chunk.hash[:24],
        title=title,
        timestamp=stamp,
        trust="untrusted",
        meta={
            "folder": str(folder),
            "heading": chunk.heading,
            "kind": kind,
            "lines": [chunk.first_line, chunk.last_line],
            "sha256": chunk.hash,
        },
    )

"""watchdog events of one folder, fed to the debouncer. A folder created or moved in is
fed too: its files get no events of their own, so the source walks it."""

from __future__ import annotations

from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from amber.plugins.sources.files.debounce import Debouncer

IGNORED = ("opened", "closed_no_write")


class FolderEvents(FileSystemEventHandler):
    def __init__(self, folder: Path, pending: Debouncer) -> None:
        self.folder = folder
        self.pending = pending

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED:
            return
        if event.is_directory and event.event_type not in ("created", "moved"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.pending.add(str(raw) if isinstance(raw, str) else raw.decode())

"""The files source: watchdog on the configured folders, debounced, plus a periodic rescan
that catches anything the watcher missed (and everything changed while the daemon was off).

A folder that vanishes is reported (status line + error count) and picked up again when it
comes back; the other folders go on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from amber.plugins.sources.files.capture import FileCapturer
from amber.plugins.sources.files.debounce import Debouncer
from amber.plugins.sources.files.rules import FileRules
from amber.plugins.sources.files.settings import FileSettings
from amber.pluginspec import RUNNING, WAITING, CaptureContext

log = logging.getLogger("amber.daemon")

TICK_S = 0.25  # while changes wait for their quiet period
IDLE_TICK_S = 1.0  # otherwise (a new change is picked up on the next tick)
NO_FOLDERS = "no folders: set [capture.files] folders in config.toml, then restart the daemon"


def run_files(ctx: CaptureContext) -> None:
    settings = FileSettings.from_table(ctx.settings)
    if not settings.folders:
        ctx.set_state(WAITING, NO_FOLDERS)
        while not ctx.wait(3600):
            pass
        return
    rules = FileRules(settings.include, settings.exclude, ctx.never_capture)
    _FolderWatch(ctx, settings, rules).run()


class _FolderWatch:
    def __init__(self, ctx: CaptureContext, settings: FileSettings, rules: FileRules) -> None:
        self.ctx = ctx
        self.settings = settings
        self.rules = rules
        self.capturer = FileCapturer(ctx, settings)
        self.pending = Debouncer(settings.quiet_s, settings.cap_s)
        self.watches: dict[Path, Any] = {}  # folder -> watchdog watch (None: polling only)
        self.missing: set[Path] = set()
        self.observer: Any = None

    def run(self) -> None:
        from watchdog.observers import Observer

        self.observer = Observer()
        self.observer.start()
        try:
            self._loop()
        finally:
            self.observer.stop()
            self.observer.join(5)

    def _loop(self) -> None:
        rescan_every = self.settings.rescan_minutes * 60
        checked = 0.0  # the first folder check scans them
        rescanned = time.monotonic()
        while not self.ctx.stopping:
            now = time.monotonic()
            if now - checked >= self.settings.check_folders_s:
                appeared = self._check_folders()
                checked = now
                for folder in appeared:
                    self._scan(folder)
            if now - rescanned >= rescan_every or self.pending.take_overflow():
                self._scan_all()
                rescanned = time.monotonic()
            for raw in self.pending.ready():
                self._capture(Path(raw))
            self._show_state()
            self.ctx.wait(TICK_S if len(self.pending) else IDLE_TICK_S)

    # -- folders ---------------------------------------------------------------------------

    def _check_folders(self) -> list[Path]:
        """Watch folders that exist; report vanished ones. Returns folders (re)appeared."""
        appeared = []
        for folder in self.settings.folders:
            if folder.is_dir():
                if folder not in self.watches:
                    self._watch(folder)
                    appeared.append(folder)
                self.missing.discard(folder)
            elif folder not in self.missing:
                self.missing.add(folder)
                self._unwatch(folder)
                self.ctx.error(f"watched folder missing: {folder}")
        return appeared

    def _watch(self, folder: Path) -> None:
        from amber.plugins.sources.files.events import FolderEvents

        try:
            handler = FolderEvents(folder, self.pending)
            self.watches[folder] = self.observer.schedule(handler, str(folder), recursive=True)
        except OSError as exc:  # e.g. the inotify watch limit: the rescan still covers it
            self.watches[folder] = None
            self.ctx.error(f"cannot watch {folder} ({exc}); rescanning it periodically")

    def _unwatch(self, folder: Path) -> None:
        watch = self.watches.pop(folder, None)
        if watch is not None:
            with contextlib.suppress(KeyError, OSError):  # it may have died with the folder
                self.observer.unschedule(watch)

    # -- scanning --------------------------------------------------------------------------

    def _scan_all(self) -> None:
        for folder in self.settings.folders:
            if folder.is_dir() and not self.ctx.stopping:
                self._scan(folder)

    def _scan(self, folder: Path) -> None:
        self.ctx.set_state(RUNNING, f"scanning {folder}")
        seen: set[str] = set()
        for path in self._walk(folder):
            if self.ctx.stopping:
                return
            seen.add(str(path))
            self.capturer.capture(path, folder)
        prefix = str(folder).rstrip(os.sep) + os.sep
        for key in [k for k in list(self.capturer.marks) if k.startswith(prefix)]:
            if key not in seen:
                self.capturer.forget(key)

    def _walk(self, folder: Path, start: Path | None = None) -> Iterator[Path]:
        def complain(exc: OSError) -> None:
            self.ctx.error(f"cannot list {exc.filename}: {exc.strerror or exc}")

        for root, dirs, files in os.walk(start or folder, onerror=complain):
            base = Path(root)
            rel_base = base.relative_to(folder).as_posix()
            prefix = "" if rel_base == "." else f"{rel_base}/"
            dirs[:] = sorted(d for d in dirs if self.rules.dir_wanted(prefix + d, base / d))
            for name in sorted(files):
                if self.rules.file_wanted(prefix + name, base / name):
                    yield base / name

    def _capture(self, path: Path) -> None:
        """A path the watcher reported: a file to capture, a folder to walk, or gone."""
        folder = next((f for f in self.settings.folders if f in path.parents), None)
        if folder is None:
            return
        if not self._parents_wanted(folder, path):
            return
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            if self.rules.dir_wanted(rel, path):
                for found in self._walk(folder, path):
                    self.capturer.capture(found, folder)
        elif self.rules.file_wanted(rel, path):
            self.capturer.capture(path, folder)
        elif str(path) in self.capturer.marks:  # renamed to an excluded name
            self.capturer.forget(str(path))

    def _parents_wanted(self, folder: Path, path: Path) -> bool:
        return all(
            self.rules.dir_wanted(p.relative_to(folder).as_posix(), p)
            for p in path.parents
            if folder in p.parents
        )

    def _show_state(self) -> None:
        watched = sum(1 for f in self.settings.folders if f not in self.missing)
        detail = f"{watched} folder{'s' if watched != 1 else ''} watched"
        if self.missing:
            detail += f"; missing: {', '.join(str(f) for f in sorted(self.missing))}"
        if len(self.pending):
            detail += f"; {len(self.pending)} changes pending"
        self.ctx.set_state(RUNNING, detail)

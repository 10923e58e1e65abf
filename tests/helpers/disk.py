"""A full disk without root or a special mount: the writes the daemon makes fail with
ENOSPC (or another errno) while `full`, and work again after `free()`.

What fails, as on a real full disk: writing a file under the home (`Path.write_text`,
`Path.write_bytes`, `os.replace` into it), committing to the index (`Database.write`), and
the daemon's log file. `in_place=True` also fails writes into blocks a file already has
(`os.pwrite`), as on a copy-on-write file system (btrfs, APFS), where even those need room.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amber.store.db import Database


class FullDisk:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
        self.home = home.resolve()
        self.full = False
        self.in_place = False
        self.files = True
        self.code = errno.ENOSPC
        self._monkeypatch = monkeypatch
        self._patch_files()

    def fill(
        self,
        db: Database | None,
        *,
        code: int = errno.ENOSPC,
        in_place: bool = False,
        files: bool = True,
    ) -> FullDisk:
        """From now on the daemon's writes fail with `code`: its log, its files under the
        home unless `files=False`, and commits to `db` (the daemon's index) unless None."""
        self.code = code
        self.in_place = in_place
        self.files = files
        if db is not None:
            self._patch_index(db)
        self._patch_log()
        self.full = True
        return self

    def free(self) -> None:
        self.full = False

    def error(self, where: object = None) -> OSError:
        return OSError(self.code, os.strerror(self.code), None if where is None else str(where))

    def _under_home(self, path: object) -> bool:
        try:
            return Path(os.fspath(path)).resolve().is_relative_to(self.home)  # type: ignore[arg-type]
        except (TypeError, OSError):
            return False

    def _patch_files(self) -> None:
        def failing(original: Callable[..., Any]) -> Callable[..., Any]:
            def write(path: Path, *args: Any, **kwargs: Any) -> Any:
                if self.full and self.files and self._under_home(path):
                    raise self.error(path)
                return original(path, *args, **kwargs)

            return write

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if self.full and self.files and self._under_home(dst):
                raise self.error(dst)
            real_replace(src, dst, *args, **kwargs)

        def pwrite(fd: int, data: bytes, offset: int) -> int:
            if self.full and self.files and self.in_place:
                raise self.error()
            return real_pwrite(fd, data, offset)

        real_replace, real_pwrite = os.replace, os.pwrite
        patch = self._monkeypatch.setattr
        patch(Path, "write_text", failing(Path.write_text))
        patch(Path, "write_bytes", failing(Path.write_bytes))
        patch(os, "replace", replace)
        patch(os, "pwrite", pwrite)

    def _patch_index(self, db: Database) -> None:
        original = db.write

        def write() -> Any:
            if self.full:
                raise self.error(db.path)
            return original()

        self._monkeypatch.setattr(db, "write", write)

    def _patch_log(self) -> None:
        """Every file handler of the daemon's log writes through a stream that fails while
        the disk is full, also one it opens again later."""
        for handler in logging.getLogger("amber.daemon").handlers:
            if isinstance(handler, logging.FileHandler):
                opener = handler._open
                self._monkeypatch.setattr(handler, "_open", lambda o=opener: _Stream(o(), self))
                if handler.stream is not None:
                    handler.stream = _Stream(handler.stream, self)


class _Stream:
    """A log file's stream whose writes fail while the disk is full."""

    def __init__(self, stream: Any, disk: FullDisk) -> None:
        self._stream = stream
        self._disk = disk

    def write(self, text: str) -> int:
        if self._disk.full:
            raise self._disk.error()
        return self._stream.write(text)

    def flush(self) -> None:
        if self._disk.full:
            raise self._disk.error()
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

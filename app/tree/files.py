"""The only module that writes tree files: atomic (temp file + rename) and under a lock."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from amber.errors import NotFoundError, TreeWriteError
from amber.tree.layout import IGNORED_DIRS, check_relative, is_entry_file

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_S = 60


@dataclass(frozen=True)
class FileStat:
    rel_path: str
    mtime_ns: int
    size: int


class TreeFiles:
    def __init__(self, root: Path, lock_path: Path) -> None:
        self.root = root
        self.lock_path = lock_path

    @cached_property
    def lock(self) -> FileLock:
        """The tree write lock, across processes (made when first written: a command that
        only reads never imports filelock)."""
        from filelock import FileLock

        return FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S)

    def abspath(self, rel_path: str) -> Path:
        return self.root / check_relative(rel_path)

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def exists(self, rel_path: str) -> bool:
        return self.abspath(rel_path).is_file()

    def read_bytes(self, rel_path: str) -> bytes:
        try:
            return self.abspath(rel_path).read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"no file '{rel_path}' in the tree") from exc

    def stat(self, rel_path: str) -> FileStat | None:
        try:
            st = self.abspath(rel_path).stat()
        except FileNotFoundError:
            return None
        return FileStat(rel_path, st.st_mtime_ns, st.st_size)

    def write_text(self, rel_path: str, text: str) -> FileStat:
        """Atomically replace (or create) a file; the caller holds `self.lock`."""
        return self.write_bytes(rel_path, text.encode("utf-8"))

    def write_bytes(self, rel_path: str, data: bytes, mtime_ns: int | None = None) -> FileStat:
        """Atomically replace (or create) a file; the caller holds `self.lock`. `mtime_ns`:
        the modification time to give it (a file put back as it was)."""
        target = self.abspath(rel_path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, data)
            if mtime_ns is not None:
                os.utime(target, ns=(mtime_ns, mtime_ns))
        except OSError as exc:
            raise TreeWriteError(_write_message(rel_path, exc)) from exc
        st = target.stat()
        return FileStat(rel_path, st.st_mtime_ns, st.st_size)

    def move(self, src: str, dst: str) -> None:
        """Rename a file inside the tree, keeping its bytes and modification time (a folder
        on another file system gets a copy, then the original goes)."""
        source = self.abspath(src)
        target = self.abspath(dst)
        if target.exists():
            raise TreeWriteError(f"'{dst}' already exists; choose another name")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise TreeWriteError(_write_message(dst, exc)) from exc
            self.write_bytes(dst, source.read_bytes(), source.stat().st_mtime_ns)
            source.unlink()
        self._prune_empty(source.parent)

    def delete(self, rel_path: str) -> None:
        path = self.abspath(rel_path)
        path.unlink(missing_ok=True)
        self._prune_empty(path.parent)

    def _prune_empty(self, folder: Path) -> None:
        """Remove folders left empty by a move or delete, but never the root."""
        root = self.root.resolve()
        folder = folder.resolve()
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def walk(self) -> Iterator[FileStat]:
        """Every entry file in the tree, with the stat needed to detect changes cheaply."""
        yield from self._walk(self.root, "")

    def _walk(self, folder: Path, prefix: str) -> Iterator[FileStat]:
        try:
            items = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return
        for item in items:
            rel = f"{prefix}{item.name}"
            if item.is_dir(follow_symlinks=False):
                if not item.name.startswith(".") and item.name not in IGNORED_DIRS:
                    yield from self._walk(Path(item.path), rel + "/")
            elif item.is_file(follow_symlinks=False) and is_entry_file(rel):
                st = item.stat(follow_symlinks=False)
                yield FileStat(rel, st.st_mtime_ns, st.st_size)


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_message(rel_path: str, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing '{rel_path}'; nothing was changed, free space and retry"
    return f"cannot write '{rel_path}' ({exc.strerror or exc}); nothing was changed"

"""The only module that writes tree files: atomic (temp file + rename) and under a lock."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from amber.errors import ConflictError, NotFoundError, TreeWriteError
from amber.security import private
from amber.tree.layout import (
    IGNORED_DIRS,
    check_relative,
    is_context_file,
    is_entry_file,
    is_utf8_name,
    shown_name,
)

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_S = 60


@dataclass(frozen=True)
class Expected:
    """Compare-and-swap for one write: the sha256 the file must hold, None when it must not
    exist. Checked when the new bytes are on disk, just before the rename; and after it,
    a write that reached the old file in between (an editor that had it open) is put back
    and reported, so no edit is lost to the rename."""

    sha256: str | None


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

    def write_bytes(
        self,
        rel_path: str,
        data: bytes,
        mtime_ns: int | None = None,
        expected: Expected | None = None,
    ) -> FileStat:
        """Atomically replace (or create) a file; the caller holds `self.lock`. `mtime_ns`:
        the modification time to give it (a file put back as it was). `expected`: what the
        file must hold for the write to go ahead (see `Expected`)."""
        target = self.writable(rel_path)
        try:
            self._make_folders(target.parent)
            _atomic_write(target, data, private.new_file_mode(self.root), expected)
            if mtime_ns is not None:
                os.utime(target, ns=(mtime_ns, mtime_ns))
        except OSError as exc:
            raise TreeWriteError(_write_message(rel_path, exc)) from exc
        st = target.stat()
        return FileStat(rel_path, st.st_mtime_ns, st.st_size)

    def move(self, src: str, dst: str) -> None:
        """Rename a file inside the tree, keeping its bytes and modification time (a folder
        on another file system gets a copy, then the original goes)."""
        source = self.writable(src)
        target = self.writable(dst)
        if target.exists():
            raise TreeWriteError(f"'{dst}' already exists; choose another name")
        try:
            self._make_folders(target.parent)
            os.replace(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise TreeWriteError(_write_message(dst, exc)) from exc
            self.write_bytes(dst, source.read_bytes(), source.stat().st_mtime_ns)
            source.unlink()
        self._prune_empty(source.parent)

    def delete(self, rel_path: str) -> None:
        path = self.writable(rel_path)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise TreeWriteError(_write_message(rel_path, exc)) from exc
        self._prune_empty(path.parent)

    def _make_folders(self, folder: Path) -> None:
        """Missing folders, with the mode of the tree's root (private in a tree Amber made,
        the owner's choice in their own vault)."""
        missing = []
        while not folder.exists() and folder != self.root:
            missing.append(folder)
            folder = folder.parent
        mode = private.folder_mode(self.root)
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            os.chmod(new, mode)

    def writable(self, rel_path: str) -> Path:
        """Where a write to `rel_path` lands, refused when a folder on the way is a link:
        the tree is read without following links, so a write through one would land
        where Amber never looks again (or outside the tree, or outside an agent's scope)."""
        target = self.abspath(rel_path)
        folder = target.parent
        while folder != self.root and self.root in folder.parents:
            if folder.is_symlink():
                raise TreeWriteError(
                    f"'{rel_path}' is inside a linked folder ({folder.relative_to(self.root)}); "
                    "Amber does not follow links in the tree, so it will not write there"
                )
            folder = folder.parent
        return target

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
        """Every entry file in the tree, with the stat needed to detect changes cheaply.
        Linked folders are not followed (Amber never writes through a link either)."""
        for rel, item in self._scan(self.root, ""):
            if is_entry_file(rel):
                st = item.stat(follow_symlinks=False)
                yield FileStat(rel, st.st_mtime_ns, st.st_size)

    def context_files(self) -> Iterator[str]:
        """Every folder's context.md (amber/tree/context.py), read like `walk` reads entries."""
        for rel, _ in self._scan(self.root, ""):
            if is_context_file(rel) and is_utf8_name(rel):
                yield rel

    def unreadable_names(self) -> list[str]:
        """Markdown files passed over because their names are not valid UTF-8, shown with
        their odd bytes escaped (for `amber doctor`)."""
        return [
            shown_name(rel)
            for rel, _ in self._scan(self.root, "")
            if rel.endswith(".md") and not is_utf8_name(rel)
        ]

    def _scan(self, folder: Path, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        try:
            items = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return
        for item in items:
            rel = f"{prefix}{item.name}"
            if item.is_dir(follow_symlinks=False):
                if not item.name.startswith(".") and item.name not in IGNORED_DIRS:
                    yield from self._scan(Path(item.path), rel + "/")
            elif item.is_file(follow_symlinks=False):
                yield rel, item


def _atomic_write(
    target: Path, data: bytes, new_mode: int, expected: Expected | None = None
) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, new_mode)
        with _Witness(target, expected) as witness:  # the last look, after the fsync
            os.replace(tmp, target)
            witness.check_after(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Witness:
    """Holds the file being replaced open across the rename (see `Expected`)."""

    def __init__(self, target: Path, expected: Expected | None) -> None:
        self.target = target
        self.expected = expected
        self.fd: int | None = None
        self.seen: tuple[int, int] = (0, 0)

    def __enter__(self) -> _Witness:
        if self.expected is None:
            return self
        try:
            self.fd = os.open(self.target, os.O_RDONLY)
        except FileNotFoundError:
            if self.expected.sha256 is not None:
                raise _changed(self.target, "was removed") from None
            return self
        data = _read_all(self.fd)
        if hashlib.sha256(data).hexdigest() != self.expected.sha256:
            raise _changed(self.target, "changed")
        info = os.fstat(self.fd)
        self.seen = (info.st_size, info.st_mtime_ns)
        return self

    def check_after(self, tmp: str) -> None:
        """A write that reached the old file after the check: it goes back in place."""
        if self.fd is None:
            return
        info = os.fstat(self.fd)
        if (info.st_size, info.st_mtime_ns) == self.seen:
            return
        newer = _read_all(self.fd)
        _atomic_write(self.target, newer, stat.S_IMODE(info.st_mode))
        raise _changed(self.target, "changed")

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _changed(target: Path, what: str) -> ConflictError:
    return ConflictError(
        f"'{target.name}' {what} on disk meanwhile; nothing was written, reload it and retry",
        str(target),
    )


def _write_message(rel_path: str, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing '{rel_path}'; nothing was changed, free space and retry"
    if exc.errno == errno.EROFS:
        return f"cannot change '{rel_path}': the tree is on a read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot change '{rel_path}': permission denied (check the folder's owner and mode)"
    return f"cannot change '{rel_path}' ({exc.strerror or exc}); nothing was changed"

"""Small JSON files shared between processes: written by atomic replace, read tolerantly.

A replace needs room for a new file, which a full disk does not have. For the status, the
one file that must still speak then, `reserve` sets blocks aside while there is room and
`write_in_place` later rewrites those same blocks, which needs no new ones (on file systems
that write in place: ext4, XFS; a copy-on-write one may refuse it too).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any) -> None:
    """Temp file + rename, so a reader never sees half a file (no fsync: soft state)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):  # FileNotFoundError, or the disk's own trouble
            tmp.unlink()


def read_json(path: Path) -> dict[str, Any] | None:
    """The object in the file; None when missing or unreadable (never raises)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def reserve(path: Path, size: int) -> None:
    """Make `path` `size` bytes of spaces, written and synced, so its blocks are allocated
    now (an all-space file reads as no object)."""
    if path.exists() and path.stat().st_size == size:
        return
    with path.open("wb") as out:
        out.write(b" " * size)
        out.flush()
        os.fsync(out.fileno())


def write_in_place(path: Path, data: Any, size: int) -> bool:
    """Overwrite the reserved `path` with `data` padded to `size` (one write, same length:
    no new blocks). False when `data` does not fit. A reader may catch it half-written and
    then sees no object, as with a missing file."""
    text = json.dumps(data, sort_keys=True).encode("utf-8")
    if len(text) > size:
        return False
    fd = os.open(path, os.O_WRONLY)  # never O_CREAT or O_TRUNC: only the reserved blocks
    try:
        os.pwrite(fd, text.ljust(size), 0)
    finally:
        os.close(fd)
    return True

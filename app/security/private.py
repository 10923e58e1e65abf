"""Everything Amber creates is private to its user: files 0600, folders 0700.

A process that opens a home sets its umask so that every file and folder it creates
(the index and its WAL, logs, status files, models, screenshots) starts private, and a
home made by an older version is tightened when it is opened. The tree is the exception
when it is the user's own folder (an existing vault): there new files and folders follow
the modes of the vault's root, as its owner chose them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

UMASK = 0o077
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def keep_private() -> None:
    """For the rest of this process, create files and folders readable by the user only."""
    os.umask(UMASK)


def tighten(paths: Iterable[Path]) -> None:
    """Make these files 0600 and folders 0700 where they are looser (and ours)."""
    for path in paths:
        with contextlib.suppress(OSError):  # gone, or not ours: nothing to do
            info = path.stat()
            if info.st_uid != os.getuid():
                continue
            wanted = FOLDER_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
            if info.st_mode & 0o077:
                os.chmod(path, stat.S_IMODE(info.st_mode) & wanted)


def new_file_mode(tree_root: Path) -> int:
    """The mode of a new file in the tree: private, unless the user's own tree is not."""
    return folder_mode(tree_root) & 0o666


def folder_mode(tree_root: Path) -> int:
    try:
        return stat.S_IMODE(tree_root.stat().st_mode)
    except OSError:
        return FOLDER_MODE

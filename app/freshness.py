"""Keeping the index in step with the tree: the one policy every interface follows.

Markdown files are the truth and people edit them with anything, so before answering, an
interface either runs a tree watcher (the daemon, `amber watch`, the TUI, the MCP server)
or, when nobody watches, compares the tree with the index once at start. A tree so large
that the scan (about 20 µs a file) would dominate every command relies on a running
watcher or `amber doctor --fix` instead.
"""

from __future__ import annotations

import os

from amber.config import Config

RECONCILE_MAX_ENTRIES = 20_000


def someone_watches(config: Config) -> bool:
    """Whether some process holds the watch lock. The CLI asks on every start, so it asks
    the way filelock takes the lock (flock) without importing filelock or watchdog."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: ask filelock itself
        return _held_by_filelock(config)
    path = config.watch_lock_path
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _held_by_filelock(config: Config) -> bool:
    from filelock import FileLock, Timeout

    lock = FileLock(str(config.watch_lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def start_scan_needed(config: Config, entry_count: int) -> bool:
    """Whether to compare tree and index before serving (see the module docstring)."""
    if not config.reconcile_on_start or entry_count > RECONCILE_MAX_ENTRIES:
        return False
    return not someone_watches(config)

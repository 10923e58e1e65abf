"""Whether some process is watching the tree (it holds the watch lock), without importing
watchdog: the CLI asks on every start, and a running watcher makes a start-up scan waste."""

from __future__ import annotations

from filelock import FileLock, Timeout

from amber.config import Config


def someone_watches(config: Config) -> bool:
    lock = FileLock(str(config.watch_lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False

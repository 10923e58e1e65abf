"""One daemon per home: an exclusive lock held for the daemon's whole life.

The OS releases the lock when the process dies, even by `kill -9`, so a stale pid file
never blocks a restart. Other processes learn whether a daemon runs by probing the lock.
"""

from __future__ import annotations

import contextlib
import os

from filelock import FileLock, Timeout

from amber.daemon.errors import DaemonRunningError
from amber.daemon.paths import DaemonPaths

# A probe by `amber daemon status` holds the lock for microseconds; waiting this long
# keeps such a probe from being mistaken for a running daemon.
ACQUIRE_S = 2.0


class InstanceLock:
    def __init__(self, paths: DaemonPaths) -> None:
        self.paths = paths
        self._lock = FileLock(str(paths.lock))

    def acquire(self) -> None:
        self.paths.ensure()
        try:
            self._lock.acquire(timeout=ACQUIRE_S)
        except Timeout:
            pid = read_pid(self.paths)
            raise DaemonRunningError(
                f"a daemon already runs for {self.paths.home} (pid {pid or '?'}); "
                "`amber daemon stop` stops it"
            ) from None
        try:
            self.paths.pid.write_text(f"{os.getpid()}\n", encoding="utf-8")
        except OSError:  # a full disk: run anyway; readers see "pid unknown", not an old pid
            with contextlib.suppress(OSError):
                self.paths.pid.unlink()

    def release(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.paths.pid.unlink()
        if self._lock.is_locked:
            self._lock.release()


def read_pid(paths: DaemonPaths) -> int | None:
    try:
        return int(paths.pid.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def daemon_pid(paths: DaemonPaths) -> int | None:
    """The running daemon's pid, or None when no daemon holds the lock."""
    if not paths.lock.exists():
        return None
    probe = FileLock(str(paths.lock))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return read_pid(paths) or -1
    probe.release()
    return None

"""Which of the daemon's files cannot be written now (a full disk, a quota, an I/O error),
since when, and with what error: for `amber daemon status`, the TUI, and the decision to
pause capture while captures cannot be stored.

Each place (the index, the status file, the log) is marked failing by the write that failed
and cleared by the next write that works, so the daemon notices returning space by itself.
"""

from __future__ import annotations

import errno
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from amber.clock import now_iso

INDEX = "index"
STATUS = "status"
LOG = "log"

# errno -> what a person is told; the same words whether Python or SQLite saw it
_ERRNOS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EIO: "I/O error",
    errno.EROFS: "read-only file system",
}
_SQLITE = {"database or disk is full": "disk full", "disk i/o error": "I/O error"}


def write_problem(exc: BaseException) -> str | None:
    """What kind of disk trouble `exc` is ("disk full", ...); None when it is something
    else (a locked index, a bug), which is not the disk's fault."""
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno or 0)
    message = str(exc).lower()
    return next((kind for text, kind in _SQLITE.items() if text in message), None)


def _describe(exc: BaseException) -> str:
    """The error without its file name: the place names the file (and a temp file's name
    would only confuse)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}" if exc.errno else exc.strerror
    return str(exc)


@dataclass
class Failure:
    what: str  # INDEX, STATUS, LOG
    path: str
    problem: str  # "disk full", ... ("cannot write" for any other OSError)
    error: str
    since: str
    last: str
    failures: int = 1  # failed writes (for the log: lines lost)


class DiskHealth:
    """Thread-safe: the writer thread, the main loop and the log handler all report here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failing: dict[str, Failure] = {}

    def failed(self, what: str, path: Path | str, exc: BaseException) -> bool:
        """Record a failed write; True when `what` was fine until now."""
        now = now_iso()
        with self._lock:
            known = self._failing.get(what)
            if known is not None:
                known.failures += 1
                known.last, known.error = now, _describe(exc)
                return False
            problem = write_problem(exc) or "cannot write"
            self._failing[what] = Failure(what, str(path), problem, _describe(exc), now, now)
            return True

    def ok(self, what: str) -> Failure | None:
        """Record a write that worked; the failure it ends, if there was one."""
        with self._lock:
            return self._failing.pop(what, None)

    def failure(self, what: str) -> Failure | None:
        with self._lock:
            return self._failing.get(what)

    def to_json(self) -> dict[str, object]:
        with self._lock:
            failing = sorted(self._failing.values(), key=lambda f: f.since)
        if not failing:
            return {"ok": True}
        return {
            "ok": False,
            "problem": failing[0].problem,  # the first trouble names it
            "since": failing[0].since,
            "places": [asdict(f) for f in failing],
        }

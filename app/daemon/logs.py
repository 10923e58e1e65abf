"""The daemon's log: rotating files under the home (plus stderr when run in the foreground).

The log lives on the same disk as everything else, so a full disk makes it unwritable too.
A line that cannot be written is lost and the log is marked failing in `DiskHealth` (for
`amber daemon status`), instead of a traceback on stderr per lost line; the next line that
can be written clears it.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from pathlib import Path

from amber.daemon.health import LOG, DiskHealth

MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(threadName)s: %(message)s"


class SparingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that survives write errors and recovers from them by itself."""

    def __init__(self, path: Path, health: DiskHealth) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        self.health = health
        self._failed = False
        self._lost = 0  # lines not written since the log last worked

    def emit(self, record: logging.LogRecord) -> None:
        if self._emit(record):
            self._note_lost()

    def retry(self) -> None:
        """Try the log again while it is failing (the daemon calls this now and then): the
        note about the lost lines is the test write, so room coming back is noticed even
        when nothing else is logged."""
        self.acquire()  # as logging does around emit
        try:
            self._note_lost()
        finally:
            self.release()

    def _note_lost(self) -> None:
        lost = self.health.failure(LOG)
        if lost is None:
            return
        note = f"log lines lost meanwhile: {self._lost} ({lost.problem} since {lost.since})"
        if self._emit(logging.makeLogRecord({**_NOTE, "msg": note})):
            self.health.ok(LOG)
            self._lost = 0

    def _emit(self, record: logging.LogRecord) -> bool:
        self._failed = False
        super().emit(record)  # calls handleError on failure, without raising
        return not self._failed

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handleError(record)
            return
        self._failed = True
        self._lost += 0 if getattr(record, "amber_note", False) else 1
        self.health.failed(LOG, self.baseFilename, exc)
        self._reopen_later()

    def _reopen_later(self) -> None:
        """Drop the stream, whose buffer may hold the failed line: the next line opens the
        file again (FileHandler does that for a closed stream)."""
        stream, self.stream = self.stream, None  # type: ignore[assignment]
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()


_NOTE = {
    "name": "amber.daemon",
    "levelno": logging.WARNING,
    "levelname": "WARNING",
    "amber_note": True,
}


def retry_log() -> None:
    """Try the daemon's log file again, if it is failing (see SparingFileHandler.retry)."""
    for handler in logging.getLogger("amber.daemon").handlers:
        if isinstance(handler, SparingFileHandler):
            handler.retry()


def setup_logging(
    log_path: Path, foreground: bool, health: DiskHealth | None = None
) -> logging.Logger:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("amber.daemon")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for old in list(logger.handlers):  # a second run in one process (tests) starts clean
        logger.removeHandler(old)
        old.close()
    handler = SparingFileHandler(log_path, health or DiskHealth())
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    if foreground:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(console)
    return logger


def close_logging() -> None:
    logger = logging.getLogger("amber.daemon")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        with contextlib.suppress(OSError):  # flushing the last lines onto a full disk
            handler.close()

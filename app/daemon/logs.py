"""The daemon's log: rotating files under the home (plus stderr when run in the foreground)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(threadName)s: %(message)s"


def setup_logging(log_path: Path, foreground: bool) -> logging.Logger:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("amber.daemon")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for old in list(logger.handlers):  # a second run in one process (tests) starts clean
        logger.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        log_path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
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
        handler.close()

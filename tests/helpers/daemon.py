"""A real daemon in a thread of the test, running only the sources a test names."""

from __future__ import annotations

from pathlib import Path

from amber.daemon.daemon import DaemonOptions
from amber.daemon.inprocess import DaemonThread


def daemon_with(home: Path, *sources: object, **options: object) -> DaemonThread:
    """The daemon with just `sources` (keyed by their names); the tree watcher and the idle
    distiller stay off unless `options` turn them on, so a test sees only its sources' work."""
    found = {s.name: s for s in sources}  # type: ignore[attr-defined]
    options = {"watch_tree": False, "distill_when_idle": False, **options}
    return DaemonThread(home, sources=found, options=DaemonOptions(**options))

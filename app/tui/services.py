"""What the TUI is built from: memory, and optionally the daemon and the review queue."""

from __future__ import annotations

from dataclasses import dataclass

from amber.service import MemoryService
from amber.tui.protocols import DaemonControl, ReviewQueue

POLL_S = 0.5  # how often to check whether another process changed memory


@dataclass
class TuiServices:
    memory: MemoryService
    daemon: DaemonControl | None = None
    review: ReviewQueue | None = None
    watch_tree: bool = True  # run a tree watcher when no other process does
    poll_s: float = POLL_S


def connect(memory: MemoryService, *, watch_tree: bool = True) -> TuiServices:
    """The services for `amber tui`: memory, plus the daemon and review queue when present."""
    return TuiServices(memory, _daemon(memory), _review(memory), watch_tree=watch_tree)


def _daemon(memory: MemoryService) -> DaemonControl | None:
    try:
        from amber.tui.daemon_link import FileDaemonControl

        return FileDaemonControl(memory.config)
    except ImportError:  # an installation without the capture daemon
        return None


def _review(memory: MemoryService) -> ReviewQueue | None:
    try:
        from amber.tui.review_link import DistillerReview

        return DistillerReview(memory)
    except ImportError:  # an installation without the distiller
        return None

"""What the TUI needs from the capture daemon and from the distiller's review queue.

Both are optional: without a daemon the panel says it is not running, without a queue the
review screen says there is nothing to review. Adapters for the real daemon and distiller
are chosen in `amber.tui.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SourceHealth:
    """One capture source as the daemon sees it."""

    name: str
    state: str  # running, waiting, paused, disabled, error ...
    detail: str = ""
    last_capture: str | None = None  # ISO 8601
    captured: int = 0
    dropped: int = 0
    errors: int = 0
    last_error: str = ""


@dataclass(frozen=True)
class DaemonStatus:
    running: bool
    paused: bool = False
    pid: int | None = None
    started_at: str | None = None
    paused_until: str | None = None
    last_capture: str | None = None
    queue_depth: int = 0
    queue_capacity: int | None = None
    sources: tuple[SourceHealth, ...] = ()
    notes: tuple[str, ...] = ()  # anything else worth a line: distiller backlog, problems
    disk: str = ""  # trouble writing (a full disk) in one line, its kind first in capitals
    sync: str = ""  # `amber sync` on the daemon's interval: how it went, where it stands

    @property
    def dropped(self) -> int:
        return sum(s.dropped for s in self.sources)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.sources)


@runtime_checkable
class DaemonControl(Protocol):
    def status(self) -> DaemonStatus:
        """The daemon's health now; `running=False` when no daemon answers."""
        ...

    def pause(self) -> None:
        """Stop capturing until resumed (sources stay configured)."""
        ...

    def resume(self) -> None: ...

    def needs_passphrase(self) -> bool:
        """Starting needs the passphrase typed (the key is neither in a keyring nor in
        AMBER_PASSPHRASE)."""
        ...

    def start(self, passphrase: str | None) -> int:
        """Start the daemon in the background; returns its pid once it runs."""
        ...

    def stop(self) -> int:
        """Stop the running daemon; returns the pid that stopped."""
        ...


@dataclass(frozen=True)
class ReviewItem:
    """A change the distiller proposes and a person should confirm."""

    id: str
    action: str  # ADD, UPDATE, SUPERSEDE
    title: str
    text: str  # the proposed entry body (markdown)
    path: str = ""  # folder or path in the tree it would go to
    kind: str = "note"
    target: str | None = None  # the entry it updates or supersedes
    sources: tuple[str, ...] = ()  # event refs it was distilled from
    reason: str = ""  # why it needs review (low confidence, conflict ...)
    created: str | None = None
    evidence: tuple[str, ...] = ()  # the quotes it rests on, one line each


@runtime_checkable
class ReviewQueue(Protocol):
    def pending(self) -> list[ReviewItem]:
        """Items waiting for a decision, oldest first."""
        ...

    def accept(self, item_id: str, body: str | None = None) -> str:
        """Apply the proposal to memory, with `body` instead of its text when the person
        edited it; returns an id of what was written (entry or operation)."""
        ...

    def reject(self, item_id: str) -> object: ...

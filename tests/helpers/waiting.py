"""Waiting for something another thread or process does: poll a condition until it holds.

Daemons, watchers and the TUI finish their work in their own time, so a test waits for the
outcome instead of sleeping a fixed time. A wait that runs out fails the test with what it
waited for, and, where the check can say, why it was not there yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # only the TUI tests need Textual; the daemon tests need not import it
    from textual.pilot import Pilot

POLL_S = 0.02  # short: a wait ends soon after its condition holds


def wait_for(
    condition: Callable[[], object], what: str, timeout: float = 30.0, poll: float = POLL_S
) -> None:
    """Poll `condition` until it is true; fail with `what` if `timeout` seconds pass first."""
    wait_for_check(lambda: None if condition() else "not yet", what, timeout, poll)


def wait_for_check(
    check: Callable[[], str | None], what: str, timeout: float = 30.0, poll: float = POLL_S
) -> None:
    """Poll `check` (None: done, else why not yet) until it is done; the last why goes into
    the failure, so a timeout says how far things got."""
    deadline = time.monotonic() + timeout
    why = check()
    while why is not None:
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}: {why}")
        time.sleep(poll)
        why = check()


async def wait_until(
    pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = 10.0
) -> None:
    """`wait_for` inside a Textual pilot: it pauses the pilot, so the app runs meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        await pilot.pause(POLL_S)

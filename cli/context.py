"""Opening memory for a command: passphrase prompt, start-up reconcile, clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from filelock import FileLock, Timeout

from amber.service import MemoryService


def prompt_passphrase(confirm: bool) -> str:
    if not sys.stdin.isatty():
        return ""
    return typer.prompt("Amber passphrase", hide_input=True, confirmation_prompt=confirm)


def someone_watches(service: MemoryService) -> bool:
    """A running watcher keeps the index fresh; then a start-up scan would be wasted work."""
    lock = FileLock(str(service.config.watch_lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


@contextmanager
def memory(reconcile: bool = True) -> Iterator[MemoryService]:
    service = MemoryService.open(interface="cli", prompt=prompt_passphrase)
    try:
        if reconcile and service.config.reconcile_on_start and not someone_watches(service):
            service.reconcile()
        yield service
    finally:
        service.close()

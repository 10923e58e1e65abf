"""Opening memory for a command: passphrase prompt, start-up reconcile, clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from amber.service import MemoryService
from amber.watch_lock import someone_watches

# Above this many entries, commands rely on a running watcher (`amber watch`, later the
# daemon) or `amber doctor --fix`; the scan would cost ~0.4 s at this size.
RECONCILE_MAX_ENTRIES = 20_000


def prompt_passphrase(confirm: bool) -> str:
    if not sys.stdin.isatty():
        return ""
    return typer.prompt("Amber passphrase", hide_input=True, confirmation_prompt=confirm)


@contextmanager
def memory(reconcile: bool = True) -> Iterator[MemoryService]:
    service = MemoryService.open(interface="cli", prompt=prompt_passphrase)
    try:
        if reconcile and _should_reconcile(service):
            service.reconcile()
        yield service
    finally:
        service.close()


def _should_reconcile(service: MemoryService) -> bool:
    """Compare tree and index before a command, unless a watcher keeps them in step or the
    tree is so large that the scan (about 20 µs a file) would dominate every command."""
    if not service.config.reconcile_on_start or someone_watches(service.config):
        return False
    return service.entry_count() <= RECONCILE_MAX_ENTRIES

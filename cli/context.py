"""Opening memory for a command: passphrase prompt, start-up scan, clean errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from amber.freshness import start_scan_needed
from amber.service import MemoryService


def prompt_passphrase(confirm: bool) -> str:
    if not sys.stdin.isatty():
        return ""
    return typer.prompt("Amber passphrase", hide_input=True, confirmation_prompt=confirm)


@contextmanager
def memory(reconcile: bool = True, interface: str = "cli") -> Iterator[MemoryService]:
    """The user's memory for one command. `reconcile`: compare tree and index first when
    nothing keeps them in step (amber.freshness); commands that only read the index's own
    rows (the audit log, imports) skip it."""
    service = MemoryService.open(interface=interface, prompt=prompt_passphrase)
    try:
        if reconcile and start_scan_needed(service.config, service.entry_count()):
            service.reconcile()
        yield service
    finally:
        service.close()

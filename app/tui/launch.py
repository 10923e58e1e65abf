"""How the CLI starts the TUI: the only name it imports from this package."""

from __future__ import annotations

from amber.service import MemoryService
from amber.tui.app import create_app
from amber.tui.services import connect


def run_tui(service: MemoryService, *, watch_tree: bool, theme: str | None) -> None:
    create_app(connect(service, watch_tree=watch_tree), theme=theme).run()

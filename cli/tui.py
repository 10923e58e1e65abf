"""`amber tui`: the terminal UI (Textual is imported only when the command runs)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from amber.cli.context import prompt_passphrase
from amber.errors import InvalidInputError


def tui(
    watch: Annotated[
        bool, typer.Option(help="Reindex files edited outside Amber while the TUI runs.")
    ] = True,
    theme: Annotated[
        str, typer.Option(help="A Textual theme, e.g. textual-light or textual-dark.")
    ] = "",
) -> None:
    """Browse, search, read and edit your memory in the terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InvalidInputError("amber tui needs a terminal; for scripts use `amber recall`")
    from amber.service import MemoryService
    from amber.tui.app import create_app
    from amber.tui.services import connect

    with MemoryService.open(interface="tui", prompt=prompt_passphrase) as service:
        create_app(connect(service, watch_tree=watch), theme=theme or None).run()


def register(app: typer.Typer) -> None:
    app.command()(tui)

"""`amber tui`: the terminal UI (Textual is imported only when the command runs)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from amber.cli.context import memory
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
    from amber.tui.launch import run_tui

    # A watcher compares tree and index when it starts; without one, the command does.
    with memory(reconcile=not watch, interface="tui") as service:
        run_tui(service, watch_tree=watch, theme=theme or None)


def register(app: typer.Typer) -> None:
    app.command()(tui)

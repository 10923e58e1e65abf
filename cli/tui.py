"""`amber tui`: the terminal UI (Textual is imported only when the command runs)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from amber.cli.context import memory
from amber.errors import InvalidInputError
from amber.retrieval.request import not_one_of


def tui(
    watch: Annotated[
        bool, typer.Option(help="Reindex files edited outside Amber while the TUI runs.")
    ] = True,
    theme: Annotated[
        str, typer.Option(help="A Textual theme, e.g. textual-light or textual-dark.")
    ] = "",
) -> None:
    """Browse, search, read and edit your memory in the terminal."""
    if theme:
        _check_theme(theme)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InvalidInputError("amber tui needs a terminal; for scripts use `amber recall`")
    from amber.tui.launch import run_tui

    # A watcher compares tree and index when it starts; without one, the command does.
    with memory(reconcile=not watch, interface="tui") as service:
        run_tui(service, watch_tree=watch, theme=theme or None)


def _check_theme(theme: str) -> None:
    from textual.theme import BUILTIN_THEMES

    if theme not in BUILTIN_THEMES:
        raise InvalidInputError(not_one_of(theme, "a theme", BUILTIN_THEMES))


def register(app: typer.Typer) -> None:
    app.command()(tui)

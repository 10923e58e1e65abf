"""Entry point of the `amber` command: one Typer app, one module per command group."""

from __future__ import annotations

import importlib
import sys

import typer
from typer.core import TyperGroup

from amber.errors import AmberError

# Each module under amber.cli has `register(app)`; one line per module keeps additions apart.
COMMAND_MODULES = (
    "setup",
    "memory",
    "recall",
    "ask",
    "tree",
    "maintenance",
    "imports",
    "models",
    "daemon",
    "sources",
    "tui",
    "mcp",
    "distill",
    "review",
    "archive",
)


class AmberGroup(TyperGroup):
    """Errors a user can cause print one line and exit non-zero, without a traceback."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except AmberError as exc:
            typer.echo(f"amber: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=AmberGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Amber: your local, encrypted memory. Everything stays on this machine.",
)
for name in COMMAND_MODULES:
    importlib.import_module(f"amber.cli.{name}").register(app)


def run() -> None:
    # Arguments that are not UTF-8 reach Python as lone surrogates and would fail deep
    # inside a command; say so before running anything.
    for arg in sys.argv[1:]:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            typer.echo(
                f"amber: argument {ascii(arg)[:80]} is not valid UTF-8; check the "
                "terminal's encoding (locale)",
                err=True,
            )
            raise SystemExit(2) from None
    app()

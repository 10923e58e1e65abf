"""Entry point of the `amber` command: one Typer app, one module per command group.

A command imports only what it uses: `run()` registers just the module that owns the
command being run (every module for `amber --help` or an unknown command), so `amber
recall` never pays for the daemon, the models or the TUI at start-up.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable

import typer
from typer.core import TyperGroup

from amber.errors import AmberError, os_error_message
from amber.security.private import keep_private

# Module under amber.cli -> the commands its `register(app)` adds. One line per module
# keeps additions apart; tests/test_cli.py checks this against what each module registers.
COMMANDS: dict[str, tuple[str, ...]] = {
    "setup": ("init", "version"),
    "memory": ("remember", "show", "edit", "mv"),
    "forget": ("forget",),
    "recall": ("recall", "search"),
    "ask": ("ask", "embed"),
    "tree": ("tree",),
    "maintenance": ("reindex", "doctor", "stats", "audit", "watch"),
    "imports": ("import",),
    "models": ("models",),
    "daemon": ("daemon",),
    "sources": ("sources",),
    "tui": ("tui",),
    "mcp": ("mcp",),
    "key": ("key",),
    "distill": ("distill", "log", "undo"),
    "review": ("review",),
    "archive": ("archive",),
    "prune": ("prune",),
    "sync": ("sync",),
}
HELP = "Amber: your local, encrypted memory. Everything stays on this machine."


class AmberGroup(TyperGroup):
    """Errors a user can cause, and errors the system gives (a full disk, a read-only
    folder), print one line and exit non-zero, without a traceback."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except AmberError as exc:
            typer.echo(f"amber: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # the disk, a permission, a read-only folder: not a bug
            typer.echo(f"amber: {os_error_message(exc)}", err=True)
            raise typer.Exit(1) from None


def build_app(modules: Iterable[str] = COMMANDS) -> typer.Typer:
    """The `amber` app with the commands of these modules."""
    app = typer.Typer(
        cls=AmberGroup,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_show_locals=False,
        help=HELP,
    )
    app.callback()(_group)  # a group even with one command registered: `amber recall x`
    for name in modules:
        importlib.import_module(f"amber.cli.{name}").register(app)
    return app


def _print_version(asked: bool) -> None:
    """`amber --version` and `-V`, as `amber version` prints it."""
    if asked:
        from amber import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


def _group(
    version: bool = typer.Option(
        False, "--version", "-V", is_eager=True, callback=_print_version, help="Print the version."
    ),
) -> None:
    """Amber: your local, encrypted memory. Everything stays on this machine."""


def modules_for(args: list[str]) -> list[str]:
    """The module that owns the command in `args`, or every module (help, a typo)."""
    command = args[0] if args else ""
    owners = [name for name, commands in COMMANDS.items() if command in commands]
    return owners or list(COMMANDS)


def __getattr__(name: str) -> typer.Typer:
    """`amber.cli.main.app`: the whole app, built when first asked for (tests, tools)."""
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(name)


def run() -> None:
    keep_private()  # every file and folder this process creates is the user's only
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
    build_app(modules_for(sys.argv[1:]))()

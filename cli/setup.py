"""`amber init` and `amber version`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import prompt_passphrase
from amber.cli.output import console, print_json
from amber.errors import AmberError

if TYPE_CHECKING:
    from amber.config import Config


def init(
    tree: Annotated[
        Path | None,
        typer.Option(help="Use this folder as the Context Tree (e.g. an Obsidian vault)."),
    ] = None,
    passphrase: Annotated[
        bool,
        typer.Option("--passphrase", help="Protect the key with a passphrase, not the OS keyring."),
    ] = False,
    daemon: Annotated[
        bool,
        typer.Option(
            "--daemon/--no-daemon",
            envvar="AMBER_INIT_DAEMON",
            help="Start the capture daemon once the home exists.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create your Amber home: config, encrypted index, Context Tree; then start the capture
    daemon. Safe to run again."""
    from amber.home import init_home

    tree_path = str(tree.expanduser().resolve()) if tree else None
    result = init_home(tree_path=tree_path, use_passphrase=passphrase, prompt=prompt_passphrase)
    cfg = result.config
    info = {
        "home": str(cfg.home),
        "tree": str(cfg.tree_dir),
        "index": str(cfg.index_path),
        "key_storage": result.key_storage,
        "created": result.created,
    }
    info["daemon"] = _start_daemon(cfg) if daemon else "not started (--no-daemon)"
    if as_json:
        print_json(info)
        return
    verb = "Created" if result.created else "Already set up (nothing changed):"
    console.print(f"{verb} Amber home at [bold]{cfg.home}[/]")
    console.print(f"  Context Tree   {cfg.tree_dir}")
    console.print(f"  Index          {cfg.index_path} (SQLCipher, key in {result.key_storage})")
    console.print(f"  Daemon         {info['daemon']}")
    console.print('Try: amber remember "Dentist is Dr. Ortiz, Tuesdays" && amber recall dentist')


def _start_daemon(config: Config) -> str:
    """init leaves Amber capturing; a daemon that already runs is fine, and one that cannot
    start is reported without undoing the home that was just made."""
    from amber.daemon.errors import DaemonRunningError
    from amber.daemon.process import start_for_user

    try:
        pid = start_for_user(config, prompt_passphrase)
    except DaemonRunningError:
        return "already running"
    except AmberError as exc:  # no display, no key at hand ...: the home is still fine
        return f"not started: {exc}; `amber daemon start` when ready"
    return f"running (pid {pid}); `amber daemon status` shows what it captures"


def version(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Print Amber's version."""
    from amber import __version__

    if as_json:
        print_json({"version": __version__})
    else:
        typer.echo(__version__)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(version)

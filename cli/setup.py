"""`amber init` and `amber version`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amber.cli.context import prompt_passphrase
from amber.cli.output import console, print_json


def init(
    tree: Annotated[
        Path | None,
        typer.Option(help="Use this folder as the Context Tree (e.g. an Obsidian vault)."),
    ] = None,
    passphrase: Annotated[
        bool,
        typer.Option("--passphrase", help="Protect the key with a passphrase, not the OS keyring."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create your Amber home: config, encrypted index, Context Tree. Safe to run again."""
    from amber.home import init_home

    tree_path = str(tree.expanduser().resolve()) if tree else None
    result = init_home(tree_path=tree_path, use_passphrase=passphrase, prompt=prompt_passphrase)
    cfg = result.config
    info = {
        "home": str(cfg.home), "tree": str(cfg.tree_dir), "index": str(cfg.index_path),
        "key_storage": result.key_storage, "created": result.created,
    }  # fmt: skip
    if as_json:
        print_json(info)
        return
    verb = "Created" if result.created else "Already set up (nothing changed):"
    console.print(f"{verb} Amber home at [bold]{cfg.home}[/]")
    console.print(f"  Context Tree   {cfg.tree_dir}")
    console.print(f"  Index          {cfg.index_path} (SQLCipher, key in {result.key_storage})")
    console.print('Try: amber remember "Dentist is Dr. Ortiz, Tuesdays" && amber recall dentist')


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

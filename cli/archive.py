"""`amber archive --stale`: propose archiving unimportant, long-idle entries; act on --yes."""

from __future__ import annotations

from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, print_json, safe_markup
from amber.errors import InvalidInputError
from amber.lifecycle import STALE_BELOW, STALE_IDLE_DAYS


def archive(
    stale: Annotated[bool, typer.Option("--stale", help="Find stale entries.")] = False,
    days: Annotated[int, typer.Option(help="Idle at least this many days.")] = STALE_IDLE_DAYS,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Archive them (undoable).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Archive entries nobody uses: lists them; moves them to _archive/ only with --yes."""
    if not stale:
        raise InvalidInputError("say which entries: `amber archive --stale` (add --yes to act)")
    if days < 1:
        raise InvalidInputError("--days must be at least 1")
    with memory() as service:
        found = service.stale_entries(days, STALE_BELOW)
        ops = service.archive(found) if yes else []
    if as_json:
        print_json({"stale": found, "archived": bool(yes), "ops": ops})
        return
    for item in found:
        console.print(
            f"{safe_markup(item.path)}  importance {item.importance}, idle {item.idle_days} "
            f"days ({item.maturity})",
            highlight=False,
        )
    if not found:
        console.print("Nothing is stale.")
    elif yes:
        console.print(
            f"Archived {len(ops)} entries; `amber recall --all` still finds them, "
            "`amber undo OP` puts one back (`amber log` lists them)."
        )
    else:
        console.print(f"{len(found)} stale entries; run again with --yes to archive them.")


def register(app: typer.Typer) -> None:
    app.command()(archive)

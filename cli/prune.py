"""`amber prune`: a source's old events removed for good, keeping what the tree cites and
what the distiller has not read yet (amber/retention.py). It says what it will remove and
what it keeps, and asks first."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import print_json, shown
from amber.clock import now
from amber.errors import InvalidInputError
from amber.retention import PrunePlan
from amber.retrieval.timephrases import parse_date_bound

Opt = typer.Option


def prune(
    source: Annotated[str, Opt(help="Whose events: screen, file, chatgpt, ... (`amber stats`).")],
    before: Annotated[str, Opt(help="Events first seen before this: 2026-01-01, '3 months ago'.")],
    dry_run: Annotated[bool, Opt("--dry-run", help="Show what would go; delete nothing.")] = False,
    yes: Annotated[bool, Opt("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False,
) -> None:
    """Remove a source's events from before a date, with their search rows and vectors;
    events an entry cites, and those not yet distilled, are kept."""
    if not source.strip():
        raise InvalidInputError("--source needs a source name, e.g. --source screen")
    if not before.strip():
        raise InvalidInputError("--before needs a date, e.g. --before 2026-01-01")
    cut = parse_date_bound(before, now())
    with memory() as service:
        plan = service.prune_plan(source.strip(), cut)
        if dry_run or not plan.events:
            _show(plan, None, as_json)
            return
        if not yes:
            _show(plan, None, as_json=False, to_err=True)
            _confirm()
        removed = service.prune(plan)
    _show(plan, removed, as_json)


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise InvalidInputError("prune needs confirmation: run it in a terminal or pass --yes")
    if not typer.confirm("Remove these events for good?"):
        raise typer.Exit(1)


def _show(plan: PrunePlan, removed: int | None, as_json: bool, to_err: bool = False) -> None:
    if as_json:
        print_json({**plan.to_json(), "removed": removed or 0, "done": removed is not None})
        return
    verb = "Removed" if removed is not None else "Would remove"
    count = removed if removed is not None else len(plan.events)

    def out(line: str) -> None:
        typer.echo(line, err=to_err)

    out(f"{verb} {count} {shown(plan.source)} events from before {plan.before[:19]}")
    if plan.kept_cited:
        out(f"kept {plan.kept_cited}: an entry cites them (or the reply to them)")
    if plan.kept_undistilled:
        out(f"kept {plan.kept_undistilled}: not distilled yet (`amber distill`, then prune again)")


def register(app: typer.Typer) -> None:
    app.command()(prune)

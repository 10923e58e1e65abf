"""`amber forget`: an entry, or events (a message, a conversation, a source over a time
range, or whatever holds a piece of text), gone for good with what was distilled from
them. It shows what it will delete and asks first."""

from __future__ import annotations

import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, print_json, shown
from amber.clock import iso, now
from amber.errors import InvalidInputError, NotFoundError
from amber.retrieval.timephrases import parse_date_bound
from amber.store.forget import Selection

if TYPE_CHECKING:
    from amber.forgetting import ForgetPlan, ForgetReport
    from amber.service import MemoryService

Opt = typer.Option


def forget(
    handle: Annotated[
        str | None,
        typer.Argument(help="An entry (id, path or title), or an event (id, id prefix, ref)."),
    ] = None,
    conversation: Annotated[str, Opt(help="Every message of this conversation.")] = "",
    source: Annotated[str, Opt(help="Events of this source (conversation, screen, ...).")] = "",
    since: Annotated[str, Opt(help="Events from this time on: 2024-05-01, 'last week'.")] = "",
    until: Annotated[str, Opt(help="Events before the end of this time.")] = "",
    match: Annotated[str, Opt(help="Every event and entry holding this text (any case).")] = "",
    yes: Annotated[bool, Opt("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, Opt("--dry-run", help="Show what would go; delete nothing.")] = False,
    as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False,
    purge_history: Annotated[
        bool,
        Opt(
            "--purge-history",
            help="Also rewrite the synced tree's git history without the entry (an entry, "
            "or the id of one forgotten before).",
        ),
    ] = False,
) -> None:
    """Forget for good: the files, index rows, search tokens, vectors and undo copies."""
    if purge_history:
        _purge(handle, [conversation, source, since, until, match], yes, as_json)
        return
    selection = _selection(handle, conversation, source, since, until, match)
    with memory() as service:
        if selection.empty:
            _forget_entry(service, handle or "", yes, as_json)
            return
        plan = _event_plan(service, selection, handle)
        if dry_run:
            _show(plan, None, as_json)
            return
        if not yes:
            _confirm_plan(plan)
        report = service.forget_events(plan)
    _show(plan, report, as_json)


def _selection(
    handle: str | None, conversation: str, source: str, since: str, until: str, match: str
) -> Selection:
    """Events named by options; a bare handle names an entry first (see _event_plan)."""
    moment = now()
    start = iso(parse_date_bound(since, moment)) if since.strip() else ""
    end = iso(parse_date_bound(until, moment, end=True)) if until.strip() else ""
    chosen = Selection(
        conversation=conversation.strip(),
        source=source.strip(),
        since=start,
        until=end,
        match=match,
    )
    if match and not match.strip():
        raise InvalidInputError("--match needs some text to look for")
    if handle is None and chosen.empty:
        raise InvalidInputError(
            "say what to forget: an entry or event id, or --conversation, --source, --match"
        )
    return chosen


def _event_plan(service: MemoryService, selection: Selection, handle: str | None) -> ForgetPlan:
    if handle:
        selection = Selection(**{**vars(selection), "handle": handle.strip()})
    plan = service.forget_plan(selection)
    if not plan.events and not plan.holding:
        raise NotFoundError("no event or entry matches; `amber recall` finds them")
    return plan


def _forget_entry(service: MemoryService, handle: str, yes: bool, as_json: bool) -> None:
    """A handle alone: an entry if one has it, else an event."""
    try:
        view = service.get(handle)
    except NotFoundError:
        plan = _event_plan(service, Selection(), handle)
        if not yes:
            _confirm_plan(plan)
        _show(plan, service.forget_events(plan), as_json)
        return
    entry = view.entry
    if not yes:
        _confirm(f"Forget '{shown(entry.title)}' ({shown(entry.path)}) for good?")
    entry_id = service.forget(entry.id)
    if as_json:
        print_json({"forgotten": entry_id, "path": entry.path})
    else:
        console.print(f"Forgot {entry_id} ({shown(entry.path)})", markup=False)


def _purge(handle: str | None, options: list[str], yes: bool, as_json: bool) -> None:
    """Forget an entry (when it is still there) and purge it from the git history."""
    if any(options) or not (handle or "").strip():
        raise InvalidInputError(
            "--purge-history takes one entry (its id, path or title; or the id of an entry "
            "forgotten before): events never enter git as text, so they need no purge"
        )
    with memory() as service:
        try:
            entry = service.get(handle or "").entry
        except NotFoundError:
            entry = None
            entry_id, what = (handle or "").strip(), f"the forgotten entry {handle}"
        else:
            entry_id, what = entry.id, f"'{shown(entry.title)}' ({shown(entry.path)})"
        if not yes:
            _confirm(f"Forget {what} and rewrite the git history without it, for good?")
        if entry is not None:
            service.forget(entry_id)
        report = service.sync_purge(entry_id)
    tree, steps = report.tree, report.remote_steps()
    if as_json:
        data = {"forgotten": entry_id, "paths": report.paths, "next": steps}
        print_json({**data, "commits": [report.commits_before, report.commits_after]})
        return
    typer.echo(f"Purged {entry_id} from the history of {tree}: " + ", ".join(report.paths))
    typer.echo(f"commits: {report.commits_before} before, {report.commits_after} after")
    for step in steps:
        typer.echo(f"- {step}")


def _confirm_plan(plan: ForgetPlan) -> None:
    _show(plan, None, as_json=False, to_err=True)
    _confirm("Forget all of this for good?")


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise InvalidInputError("forget needs confirmation: run it in a terminal or pass --yes")
    if not typer.confirm(question):
        raise typer.Exit(1)


def _show(
    plan: ForgetPlan, report: ForgetReport | None, as_json: bool, to_err: bool = False
) -> None:
    if as_json:
        print_json(_json(plan, report))
        return
    out = typer.echo
    sources = Counter(e.source for e in plan.events)
    kinds = ", ".join(f"{n} {name}" for name, n in sources.most_common())
    verb = "Forgot" if report else "Would forget"
    out(f"{verb} {len(plan.events)} events ({kinds or 'none'})", err=to_err)
    for event in plan.events[:5]:
        out(
            f"  {event.id} {shown(event.ref or event.source)}: {_preview(event.preview)}",
            err=to_err,
        )
    if len(plan.events) > 5:
        out(f"  ... and {len(plan.events) - 5} more", err=to_err)
    _list("entries holding the text, deleted", [p for _, p in plan.holding], to_err)
    if report is None:
        made = [p for _, p in plan.citing]
        _list("entries made from them, rewritten or removed", made, to_err)
        return
    _list("rewritten without them", report.rewritten, to_err)
    _list("removed (nothing was left)", report.removed, to_err)
    _list("yours, no longer citing them", report.yours, to_err)
    _list("quoting them, a change proposed in `amber review`", report.proposed, to_err)


def _list(label: str, paths: list[str], to_err: bool) -> None:
    if paths:
        typer.echo(f"{len(paths)} {label}: " + ", ".join(shown(p) for p in paths[:10]), err=to_err)


def _preview(text: str) -> str:
    line = shown(" ".join(text.split()))
    return line[:80] + ("…" if len(line) > 80 else "")


def _json(plan: ForgetPlan, report: ForgetReport | None) -> dict[str, object]:
    data: dict[str, object] = {
        "events": [{"id": e.id, "ref": e.ref, "source": e.source} for e in plan.events],
        "entries_holding_text": [p for _, p in plan.holding],
        "citing_entries": [p for _, p in plan.citing],
        "done": report is not None,
    }
    if report is not None:
        data.update(rewritten=report.rewritten, removed=report.removed, yours=report.yours)
        data["review"] = report.proposed
    return data


def register(app: typer.Typer) -> None:
    app.command()(forget)

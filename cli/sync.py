"""`amber sync`: one memory on every device, through a git remote of yours (a folder, a
USB disk, SSH, a hosting service). Entries travel as the markdown they are; captured
events travel encrypted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import memory, prompt_passphrase
from amber.cli.output import console, print_json

if TYPE_CHECKING:
    from amber.sync import SyncReport, SyncStatus

app = typer.Typer(help="Sync this memory with your other devices through git.")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.callback(invoke_without_command=True)
def sync(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Commit what changed here, fetch, merge, apply the other devices' events, push."""
    if ctx.invoked_subcommand is not None:
        return
    with memory() as service:
        report = service.sync()
    if as_json:
        print_json(_report_json(report))
    else:
        _say(_report_text(report))


@app.command("init")
def init(
    remote: Annotated[
        str | None,
        typer.Argument(help="The git remote: a path, a bare repository, an SSH or https URL."),
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="This device's name in commits and segment folders.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make the tree a git repository (or adopt the one it is), then sync once."""
    with memory() as service:
        state = service.sync_init(remote, device, prompt_passphrase)
        report = service.sync()
    if as_json:
        print_json({"device": state.device, "remote": state.remote, **_report_json(report)})
        return
    where = f"through '{state.remote}'" if state.remote else "locally (no remote yet)"
    _say(f"sync set up for device {state.device}, {where}\n{_report_text(report)}")


@app.command("status")
def status(as_json: JsonOpt = False) -> None:
    """Ahead/behind, last sync, conflicts waiting in review, events not sent yet."""
    with memory(reconcile=False) as service:
        found = service.sync_status()
    if as_json:
        print_json(found.to_json())
    else:
        _say(_status_text(found))


@app.command("compact")
def compact(as_json: JsonOpt = False) -> None:
    """Merge this device's event segments into a few large ones (worth it past ~1,000)."""
    with memory(reconcile=False) as service:
        done = service.sync_compact()
    if as_json:
        print_json(done)
        return
    if done.segments_after == done.segments_before:
        _say(f"nothing to compact: this device has {done.segments_before} segment(s)")
        return
    _say(
        f"{done.segments_before} segments of {done.device} became {done.segments_after}: "
        f"{done.events} events, {done.tombstones} tombstones, {done.marks} distilled marks "
        f"kept, {done.dropped} forgotten or repeated events left out; committed, pushed by "
        "the next `amber sync`"
    )


@app.command("distiller")
def distiller(
    here: Annotated[
        bool, typer.Option("--here", help="Make this device the one that distils, from now on.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Which device distils this memory (one does, so no page is made twice)."""
    with memory() as service:
        name = service.sync_distiller(take=here)
        device = service.sync_status().device
    if as_json:
        print_json({"distiller": name, "device": device})
        return
    if not name:
        _say("no device distils yet: the first `amber sync` names this one")
    elif name == device:
        _say(f"this device ({device}) distils this memory")
    else:
        _say(
            f"device {name} distils this memory; its pages reach this one at each sync "
            "(`amber sync distiller --here` moves the role here)"
        )


def _report_json(report: SyncReport) -> dict[str, object]:
    ex = report.exchange
    return {
        "device": report.device,
        "committed": report.committed,
        "merged": report.merged,
        "pushed": report.pushed,
        "conflicts": report.conflicts,
        "reindexed": report.reindexed,
        "conflict_copies": report.copies_routed,
        "events_sent": ex.sent_events,
        "tombstones_sent": ex.sent_tombstones,
        "distilled_marks_sent": ex.sent_marks,
        "segments_written": len(ex.segments_written),
        "events_received": ex.received_events,
        "segments_received": ex.received_segments,
        "events_forgotten": ex.forgotten_events,
        "entries_forgotten": len(ex.forgotten_entries),
    }


def _report_text(report: SyncReport) -> str:
    ex = report.exchange
    lines = [
        f"sent: {ex.sent_events} events, {ex.sent_tombstones} tombstones"
        f" ({len(ex.segments_written)} segments)",
        f"received: {ex.received_events} new events from {ex.received_segments} segments;"
        f" forgotten here: {ex.forgotten_events} events, {len(ex.forgotten_entries)} entries",
        f"files reindexed: {report.reindexed}; pushed: {'yes' if report.pushed else 'no'}",
    ]
    waiting = len(report.conflicts) + report.copies_routed
    if waiting:
        lines.append(f"{waiting} conflicts kept both versions: see `amber review`")
    return "\n".join(lines)


def _status_text(found: SyncStatus) -> str:
    return "\n".join(
        [
            f"device: {found.device}",
            f"remote: {found.remote or '(none)'} ({found.branch})",
            f"last sync: {found.last_sync or 'never'}",
            f"ahead {found.ahead}, behind {found.behind}, {found.uncommitted} files uncommitted",
            f"conflicts waiting in review: {found.conflicts_waiting}"
            f" (+{found.copies_waiting} conflict copies not routed yet)",
            f"events not sent yet: {found.events_unsent};"
            f" segments not applied yet: {found.segments_unapplied};"
            f" this device's segments: {found.segments_here}",
            f"distilled by: {found.distiller or '(no device yet)'}",
            *([f"last error: {found.last_error}"] if found.last_error else []),
        ]
    )


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sync")

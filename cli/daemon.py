"""amber daemon run|start|stop|status|install|uninstall."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from amber.cli.context import prompt_passphrase
from amber.cli.output import console, err, print_json, safe_markup
from amber.config import load_config

if TYPE_CHECKING:
    from amber.daemon.paths import DaemonPaths
    from amber.daemon.statusfile import DaemonStatus

# amber.daemon is imported inside the commands: `amber recall` never pays for it.

app = typer.Typer(no_args_is_help=True, help="The capture daemon: files, screen text, ...")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command()
def run(
    quiet: Annotated[bool, typer.Option("--quiet", help="Log only to the log file.")] = False,
    passphrase_stdin: Annotated[
        bool, typer.Option("--passphrase-stdin", hidden=True, help="Read the passphrase.")
    ] = False,
) -> None:
    """Run the daemon in the foreground until Ctrl-C (logs also go to <home>/logs)."""
    from amber.daemon.run import run_daemon

    prompt = prompt_passphrase
    if passphrase_stdin:
        line = sys.stdin.readline().rstrip("\n")
        prompt = lambda confirm: line  # noqa: E731
    run_daemon(prompt=prompt, foreground=not quiet)


@app.command()
def start() -> None:
    """Start the daemon in the background; returns once it runs."""
    from amber.daemon.process import start_for_user

    pid = start_for_user(load_config(), prompt_passphrase)
    console.print(f"daemon started (pid {pid}); `amber daemon status` shows what it captures")


@app.command()
def stop() -> None:
    """Stop the daemon: sources stop, queued items are committed, then it exits."""
    from amber.daemon.process import stop_daemon

    pid = stop_daemon(_paths())
    console.print(f"daemon stopped (pid {pid})")


@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Per source: state, last capture, captured, skipped, dropped, errors, queue; and the
    distiller backlog. Works without the key: it reads the status file the daemon writes."""
    from amber.daemon.statusfile import read_status

    state = read_status(_paths())
    if as_json:
        print_json(state.to_json())
        return
    _print_status(state)


def _print_status(state: DaemonStatus) -> None:
    data = state.data
    if not state.running:
        seen = f" (last seen {data.get('updated')})" if data.get("updated") else ""
        console.print(f"[yellow]daemon not running[/]{seen}; `amber daemon start`")
        return
    disk = state.disk
    paused = " [yellow]PAUSED[/]" if data.get("paused") else ""
    alert = "" if disk.get("ok", True) else f" [bold red]{safe_markup(_problem(disk).upper())}[/]"
    since = _when(data.get("started")) if data.get("started") else "?"
    console.print(f"daemon running, pid {state.pid or '?'}, since {since}{paused}{alert}")
    _print_disk(disk)
    _print_silence(state)
    queue = data.get("queue", {})
    console.print(f"queue {queue.get('depth', 0)}/{queue.get('capacity', '?')}", highlight=False)
    if data.get("config_problem"):
        console.print(f"[red]{safe_markup(data['config_problem'])}[/]")
    if queue.get("problem") and disk.get("ok", True):  # else the disk lines said it
        console.print(f"[red]writer: {safe_markup(queue['problem'])}[/]", soft_wrap=True)
    distiller = data.get("distiller", {})
    waiting = distiller.get("vectors_waiting")
    vectors = f", {waiting} waiting for vectors" if waiting else ""
    console.print(
        f"distiller backlog {distiller.get('backlog', '?')} events{vectors} "
        f"({safe_markup(str(distiller.get('state', '?')))})",
        highlight=False,
    )
    from amber.daemon.sync_job import sync_line

    synced = sync_line(data.get("sync"))
    if synced:
        console.print(synced, markup=False, highlight=False, soft_wrap=True)
    console.print(_sources_table(data.get("sources", {})))
    _print_details(data.get("sources", {}))


def _problem(disk: dict[str, Any]) -> str:
    return str(disk.get("problem") or "cannot write")


def _print_disk(disk: dict[str, Any]) -> None:
    """The disk trouble: what, since when, what waits; then each file that fails."""
    if disk.get("ok", True):
        return
    line = [f"{_problem(disk)} since {_when(disk.get('since'))}"]
    if disk.get("capture") == "paused":
        line.append("capture paused")
    if disk.get("waiting") is not None:
        line.append(f"{disk['waiting']} captures waiting to be stored")
    console.print("; ".join(line), style="red", markup=False, highlight=False, soft_wrap=True)
    for place in disk.get("places", []):
        tries = place.get("failures") or 1
        after = f", {tries} tries" if tries > 1 else ""
        console.print(
            f"  {place.get('what')}: {place.get('path')}: {place.get('error')}"
            f" (since {_when(place.get('since'))}{after})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print("  it resumes by itself once it can write again; no restart needed")


def _print_silence(state: DaemonStatus) -> None:
    """A running daemon whose status is old: say so, and what the numbers shown are."""
    free = state.disk.get("free_bytes")
    room = f"; {_bytes(free)} free there" if free is not None else ""
    where = f"it may not be able to write {state.folder}{room}"
    if not state.data:
        console.print(
            f"[yellow]no status from the daemon yet[/]: {safe_markup(where)}", soft_wrap=True
        )
    elif state.stale:
        last = state.data.get("updated")
        console.print(
            f"[yellow]no status from the daemon for {_age(state.age_s or 0)} "
            f"(last {_when(last)})[/]: {safe_markup(where)}; the numbers below are from then",
            soft_wrap=True,
        )
    elif state.source.endswith("status.spare.json"):
        console.print("(status written in place: status.json cannot be replaced now)")


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.0f} h"


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.0f} TiB"


def _sources_table(sources: dict[str, Any]) -> Table:
    """One line per source, fitting 80 columns: what a state is about goes below the table
    (`_print_details`), where it has the whole width."""
    table = Table(box=None, pad_edge=False, expand=False, header_style="bold")
    table.add_column("source", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("last capture", no_wrap=True)
    for column in ("captured", "skipped", "dropped", "errors", "queue"):
        table.add_column(column, justify="right", no_wrap=True)
    for name, s in sources.items():
        table.add_row(
            safe_markup(name),
            safe_markup(str(s.get("state", "?"))),
            _when(s.get("last_capture")),
            str(s.get("captured", 0)),
            str(s.get("skipped", 0)),
            str(s.get("dropped", 0)),
            str(s.get("errors", 0)),
            str(s.get("queued", 0)),
        )
    return table


def _print_details(sources: dict[str, Any]) -> None:
    """Each source's detail and last error, one wrapped paragraph each, under the table."""
    for name, s in sources.items():
        if s.get("detail"):
            console.print(f"{name}: {s['detail']}", highlight=False, markup=False)
        if s.get("last_error"):
            err.print(
                f"{name}: last error at {_when(s.get('last_error_at'))}: {s['last_error']}",
                highlight=False,
                markup=False,
            )


def _when(stamp: str | None) -> str:
    """Local time; the date only when it is not today."""
    if not stamp:
        return "-"
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    today = moment.date() == datetime.now().astimezone().date()
    return f"{moment:%H:%M:%S}" if today else f"{moment:%Y-%m-%d %H:%M}"


@app.command()
def install(
    print_only: Annotated[
        bool, typer.Option("--print", help="Show the service file; write nothing.")
    ] = False,
    no_start: Annotated[
        bool, typer.Option("--no-start", help="Write the file; do not enable or start it.")
    ] = False,
) -> None:
    """Start the daemon at login: a systemd user unit (Linux) or a launchd agent (macOS)."""
    from amber.daemon import units
    from amber.security import keys

    config = load_config()
    unit = units.service_file(config)
    if print_only:
        console.print(f"# {unit.path}", highlight=False, markup=False)
        sys.stdout.write(unit.text)
        return
    if keys.needs_passphrase(config):
        err.print(
            "passphrase mode: the service needs AMBER_PASSPHRASE in "
            "~/.config/amber/daemon.env (chmod 600), or a key file (`amber key file "
            "--create`)",
            markup=False,
        )
    for line in units.install(unit, start=not no_start):
        console.print(line, highlight=False, markup=False)


@app.command()
def uninstall(
    keep_running: Annotated[
        bool, typer.Option("--keep-running", help="Only remove the file.")
    ] = False,
) -> None:
    """Remove the service file installed by `amber daemon install` (stopping the service)."""
    from amber.daemon import units

    unit = units.service_file(load_config())
    for line in units.uninstall(unit, stop=not keep_running):
        console.print(line, highlight=False, markup=False)


def _paths() -> DaemonPaths:
    from amber.daemon.paths import DaemonPaths

    return DaemonPaths.of(load_config())


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="daemon")

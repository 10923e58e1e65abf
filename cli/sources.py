"""amber sources list|enable|disable|pause|resume: switch capture sources on and off.

The switches live in a small file the running daemon watches; they work whether or not
the daemon runs, and without the database key.
"""

from __future__ import annotations

import os
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from amber.cli.context import memory
from amber.cli.output import console, err, print_json, safe_markup
from amber.config import load_config
from amber.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from amber.daemon.control import Control
    from amber.daemon.paths import DaemonPaths

# amber.daemon is imported inside the commands: `amber recall` never pays for it.

app = typer.Typer(no_args_is_help=True, help="Capture sources: list, enable, disable, pause.")
NameArg = Annotated[str, typer.Argument(help="A source name (see `amber sources list`).")]
OptionalName = Annotated[
    str | None, typer.Argument(help="A source name; none: every source (a global pause).")
]
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _known(name: str) -> str:
    from amber.daemon.errors import UnknownSourceError
    from amber.daemon.run import available_sources

    names = sorted(available_sources())
    if name not in names:
        raise UnknownSourceError(f"no source '{name}'; known sources: {', '.join(names)}")
    return name


def _paths() -> DaemonPaths:
    from amber.daemon.paths import DaemonPaths

    return DaemonPaths.of(load_config())


def _control() -> Control:
    from amber.daemon.control import Control

    return Control(_paths())


@app.command("list")
def list_sources(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False):
    """Every source with its switch, and what the running daemon reports about it."""
    from amber.daemon.run import available_sources
    from amber.daemon.statusfile import read_status

    control = _control().load()
    live = read_status(_paths())
    rows = [
        {
            "name": name,
            "description": src.description,
            "enabled": control.enabled(name, src.default_enabled),
            "paused": control.paused(name),
            "paused_until": control.paused_until(name),
            "daemon": live.sources.get(name),
        }
        for name, src in sorted(available_sources().items())
    ]
    if as_json:
        print_json(
            {"paused": control.paused(None), "daemon_running": live.running, "sources": rows}
        )
        return
    if control.paused(None):
        until = control.paused_until(None)
        console.print(f"[yellow]all capture paused[/]{f' until {until}' if until else ''}")
    console.print(_table(rows, live.running))


def _table(rows: list[dict[str, Any]], running: bool) -> Table:
    table = Table()
    for column in ("source", "switch", "now", "description"):
        table.add_column(column)
    for row in rows:
        switch = "enabled" if row["enabled"] else "disabled"
        if row["enabled"] and row["paused"]:
            until = row["paused_until"]
            switch = f"paused until {until}" if until else "paused"
        live = row["daemon"] or {}
        now = live.get("state", "-") if running else "daemon not running"
        if live.get("detail"):
            now += f": {live['detail']}"
        table.add_row(row["name"], switch, safe_markup(now), safe_markup(row["description"]))
    return table


@app.command()
def enable(name: NameArg) -> None:
    """Enable a source (the daemon starts it within a second)."""
    _control().enable(_known(name), True)
    console.print(f"{name}: enabled")


@app.command()
def disable(name: NameArg) -> None:
    """Disable a source until enabled again."""
    _control().enable(_known(name), False)
    console.print(f"{name}: disabled")


@app.command()
def pause(
    name: OptionalName = None,
    for_: Annotated[
        str | None, typer.Option("--for", help="How long: 30m, 2h, 1d (default: until resumed).")
    ] = None,
) -> None:
    """Pause one source, or all capture, until resumed (or for a while)."""
    until = datetime.now(UTC) + parse_duration(for_) if for_ else None
    _control().pause(_known(name) if name else None, until)
    what = name or "all capture"
    console.print(f"{what}: paused" + (f" until {until:%Y-%m-%d %H:%M} UTC" if until else ""))


@app.command()
def resume(name: OptionalName = None) -> None:
    """Resume one source, or (without a name) lift every pause."""
    _control().resume(_known(name) if name else None)
    console.print(f"{name or 'all capture'}: resumed")


@app.command("set")
def set_value(
    name: NameArg,
    key: Annotated[str, typer.Argument(help="One of the source's settings, e.g. folders.")],
    value: Annotated[str, typer.Argument(help='A TOML value: 10, true, "x", ["~/notes"].')],
) -> None:
    """Change one setting of a source in config.toml (comments and the rest stay as they
    are); a running daemon reloads its sources."""
    from amber.daemon.instance import daemon_pid
    from amber.daemon.settings import check_same_kind, parse_value, set_capture_value

    config = load_config()
    parsed = parse_value(value)
    current = config.capture.source(_known(name))
    if key == "folders" or key.endswith("_dir"):
        _refuse_amber_folders(key, parsed, (config.home, config.tree_dir))
    if key in current:
        check_same_kind(key, current[key], parsed)
    else:
        err.print(
            f"amber: warning: '{key}' is not among the settings of {name} in "
            "config.toml; stored anyway",
            highlight=False,
            markup=False,
        )
    set_capture_value(config.home, name, key, parsed)
    console.print(f"[capture.{name}] {key} = {value}", highlight=False, markup=False)
    pid = daemon_pid(_paths())
    if pid and pid > 0:
        os.kill(pid, signal.SIGHUP)
        console.print("the daemon reloads its sources")


def _refuse_amber_folders(key: str, value: object, amber: tuple[Path, ...]) -> None:
    """A source never captures Amber's own home or Context Tree (its own output, index and
    keys), so a folder inside them would be accepted and then capture nothing: refuse it."""
    folders = value if isinstance(value, list) else [value]
    own = [place.resolve() for place in amber]
    for folder in (f for f in folders if isinstance(f, str)):
        where = Path(folder).expanduser().resolve()
        inside = next((a for a in own if a == where or a in where.parents), None)
        if inside is not None:
            raise InvalidInputError(
                f"{key}: '{folder}' is inside {inside}, Amber's own folder, which is never "
                "captured (Amber would capture its own files); choose a folder outside it"
            )


@app.command()
def screenshot(
    event: Annotated[str, typer.Argument(help="A screen event id (from recall results).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the PNG.")],
) -> None:
    """Decrypt a kept screenshot ([capture.screen] keep_images = true) into a PNG file."""
    from amber.plugins.sources.screen.vault import KEY_PURPOSE, ImageVault

    with memory(reconcile=False) as service:
        meta = service.event_meta(event)
        key = service.derived_key(f"screen:{KEY_PURPOSE}")  # as the daemon's screen source
    if meta is None:
        raise NotFoundError(f"no event '{event}'; event ids appear in recall results")
    if not meta.get("image"):
        raise NotFoundError(f"event '{event}' has no kept screenshot (or it has expired)")
    vault = ImageVault(_paths().screens, key, retention_days=1)
    try:
        png = vault.load(str(meta["image"]))
    except FileNotFoundError:
        raise NotFoundError(f"the screenshot of '{event}' has expired") from None
    out.write_bytes(png)
    console.print(f"wrote {out}", highlight=False, markup=False)


MAX_PAUSE = timedelta(days=366)


def parse_duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not match or float(match[1]) <= 0:
        raise InvalidInputError(f"'{text}' is not a duration; use e.g. 90s, 30m, 2h or 1d")
    seconds = float(match[1]) * _UNITS[match[2] or "m"]
    if seconds > MAX_PAUSE.total_seconds():
        raise InvalidInputError(f"'{text}' is longer than a year; pause without --for instead")
    return timedelta(seconds=seconds)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sources")

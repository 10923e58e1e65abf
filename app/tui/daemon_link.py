"""The daemon panel's view of the real capture daemon (`amber.daemon`).

It reads the status file the daemon rewrites every few seconds and flips the global pause
switch in its control file, exactly as `amber daemon status` and `amber sources pause` do:
no database key and no connection to the daemon process are needed.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

from amber.config import Config
from amber.daemon.sync_job import sync_line
from amber.tui.protocols import DaemonStatus, SourceHealth

if TYPE_CHECKING:
    from amber.daemon.statusfile import DaemonStatus as LiveStatus

START_HINT = "S starts it (or `amber daemon start`; `amber daemon install` runs it at login)"


class FileDaemonControl:
    def __init__(self, config: Config) -> None:
        from amber.daemon.control import Control
        from amber.daemon.paths import DaemonPaths

        self.config = config
        self.paths = DaemonPaths.of(config)
        self.control = Control(self.paths)

    def status(self) -> DaemonStatus:
        from amber.daemon.statusfile import read_status

        live = read_status(self.paths)
        switches = self.control.load()
        paused = switches.paused(None)
        until = switches.paused_until(None)
        if not live.running:
            seen = live.data.get("updated")
            note = f"last seen {seen}; {START_HINT}" if seen else START_HINT
            return DaemonStatus(running=False, paused=paused, paused_until=until, notes=(note,))
        return _running_status(live, paused, until)

    def pause(self) -> None:
        self.control.pause(None)

    def resume(self) -> None:
        self.control.resume(None)

    def needs_passphrase(self) -> bool:
        from amber.security.keys import PASSPHRASE_ENV

        return self.config.key_storage == "passphrase" and not os.environ.get(PASSPHRASE_ENV)

    def start(self, passphrase: str | None) -> int:
        """What `amber daemon start` does: the key is checked here first (a wrong one fails
        before anything is detached), then the daemon starts and this returns its pid."""
        from amber.daemon.process import start_for_user

        with warnings.catch_warnings():
            # The daemon runs in its own session and outlives the TUI; Python warns that
            # this process does not wait for its child (subprocess reaps it when it ends).
            warnings.simplefilter("ignore", ResourceWarning)
            return start_for_user(self.config, lambda _confirm: passphrase or "")

    def stop(self) -> int:
        from amber.daemon.process import stop_daemon

        return stop_daemon(self.paths)


def _running_status(live: LiveStatus, paused: bool, until: str | None) -> DaemonStatus:
    data = live.data
    sources = tuple(_source(name, s) for name, s in sorted(data.get("sources", {}).items()))
    captures = [s.last_capture for s in sources if s.last_capture]
    queue = data.get("queue", {})
    return DaemonStatus(
        running=True,
        paused=paused,
        pid=live.pid,
        started_at=data.get("started"),
        paused_until=until,
        last_capture=max(captures) if captures else None,
        queue_depth=int(queue.get("depth", 0) or 0),
        queue_capacity=queue.get("capacity"),
        sources=sources,
        notes=_silence(live) + _disk_notes(live.disk) + _notes(data, live.disk.get("ok", True)),
        disk=_disk_line(live.disk),
        sync=sync_line(data.get("sync")),
    )


def _source(name: str, s: dict[str, Any]) -> SourceHealth:
    return SourceHealth(
        name=name,
        state=str(s.get("state", "?")),
        detail=str(s.get("detail") or ""),
        last_capture=s.get("last_capture"),
        captured=int(s.get("captured", 0) or 0),
        dropped=int(s.get("dropped", 0) or 0),
        errors=int(s.get("errors", 0) or 0),
        last_error=str(s.get("last_error") or ""),
    )


def _notes(data: dict[str, Any], disk_ok: bool) -> tuple[str, ...]:
    notes = []
    problem = data.get("queue", {}).get("problem")
    if problem and disk_ok:  # else the disk's notes said it
        notes.append(f"writer problem: {problem}")
    distiller = data.get("distiller") or {}
    if distiller:
        waiting = distiller.get("vectors_waiting")
        vectors = f", {waiting} for vectors" if waiting else ""
        notes.append(
            f"distiller: {distiller.get('state', '?')}, backlog {distiller.get('backlog', '?')}"
            f"{vectors}"
        )
    return tuple(notes)


def _disk_line(disk: dict[str, Any]) -> str:
    """E.g. DISK FULL since ... · capture paused · 3 captures waiting · resumes by itself."""
    if disk.get("ok", True):
        return ""
    since = str(disk.get("since") or "-")[:19].replace("T", " ")
    parts = [f"{str(disk.get('problem') or 'cannot write').upper()} since {since}"]
    if disk.get("capture") == "paused":
        parts.append("capture paused")
    if disk.get("waiting") is not None:
        parts.append(f"{disk['waiting']} captures waiting")
    return " · ".join([*parts, "resumes by itself"])


def _disk_notes(disk: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        f"cannot write {place.get('path')}: {place.get('error')}"
        for place in disk.get("places", [])
    )


def _silence(live: LiveStatus) -> tuple[str, ...]:
    """A running daemon whose status is old: the panel's numbers are from then."""
    if not live.stale:
        return ()
    free = live.disk.get("free_bytes")
    room = f", {free} bytes free there" if free is not None else ""
    return (
        f"no status from the daemon for {live.age_s or 0:.0f} s: it may not be able to "
        f"write {live.folder}{room}; the numbers shown are from then",
    )

"""The daemon's status as other processes see it, without opening the encrypted index.

The daemon rewrites `daemon/status.json` every few seconds (atomic replace). When it cannot
(a full disk has no room for the new file), it writes the same status in place into
`status.spare.json`, whose blocks it reserved at start; a reader takes the newer of the two.

A reader combines that with a probe of the instance lock, so a daemon killed with `kill -9`
reads as not running even though its last status file says otherwise. A daemon that holds
the lock but has written no status for a while (not even the spare: a copy-on-write file
system needs room for that too) reads as running and silent, with the free space of its
disk, the usual reason: `amber daemon status` then says "disk full", not "not running".
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amber.clock import parse_iso
from amber.daemon.health import STATUS, DiskHealth
from amber.daemon.instance import daemon_pid
from amber.daemon.jsonfile import read_json, reserve, write_in_place, write_json
from amber.daemon.paths import DaemonPaths

log = logging.getLogger("amber.daemon")

RESERVE_BYTES = 64 * 1024  # the spare's size: a status with dozens of sources fits
STALE_AFTER_S = 15.0  # silent this long (or five status intervals, if longer): stale
FULL_BELOW = 1 << 20  # free bytes below which a silent daemon's disk counts as full


@dataclass
class DaemonStatus:
    running: bool
    pid: int | None
    data: dict[str, Any] = field(default_factory=dict)  # the last status the daemon wrote
    age_s: float | None = None  # how long ago it was written (None: never)
    free_bytes: int | None = None  # free space where the daemon writes, once it is silent
    source: str = ""  # the file the status came from
    folder: str = ""  # where the daemon writes its status

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        return self.data.get("sources", {}) if self.running else {}

    @property
    def stale(self) -> bool:
        """Running, but the status is older than the daemon's rhythm allows."""
        if not self.running or self.age_s is None:
            return False
        every = self.data.get("every_s")
        every = float(every) if isinstance(every, int | float) else 2.0
        return self.age_s > max(STALE_AFTER_S, 5 * every)

    @property
    def silent(self) -> bool:
        return self.running and (self.stale or not self.data)

    @property
    def disk(self) -> dict[str, Any]:
        """The disk trouble the daemon reported; for a silent daemon on a disk without room,
        "disk full" although it could not say so itself."""
        disk = dict(self.data.get("disk") or {"ok": True})
        if not self.silent:
            return disk
        disk["free_bytes"] = self.free_bytes
        if disk.get("ok", True) and self.free_bytes is not None and self.free_bytes < FULL_BELOW:
            disk.update(ok=False, problem="disk full", since=self.data.get("updated"))
            disk["places"] = [self._silent_place()]
        return disk

    def _silent_place(self) -> dict[str, Any]:
        age = "no status yet" if self.age_s is None else f"no status for {self.age_s:.0f} s"
        return {
            "what": STATUS,
            "path": str(Path(self.folder) / "status.json"),
            "problem": "disk full",
            "error": f"{age}; {self.free_bytes} bytes free",
            "since": self.data.get("updated"),
        }

    def to_json(self) -> dict[str, Any]:
        if not self.running:
            body = {}
            if self.data:
                body = {"last_seen": self.data.get("updated"), "last_state": self.data.get("state")}
            return {"running": False, "pid": self.pid, **body}
        return {
            "running": True,
            "pid": self.pid,
            **self.data,
            "state": self.data.get("state", "running"),
            "disk": self.disk,
            "status_age_s": None if self.age_s is None else round(self.age_s, 1),
            "status_stale": self.stale,
            "status_file": self.source,
        }


def read_status(paths: DaemonPaths) -> DaemonStatus:
    pid = daemon_pid(paths)
    if pid is not None and pid > 0 and not _alive(pid):
        pid = None  # a dead daemon's pid file, read while a status probe held the lock
    data, source = newest_status(paths)
    status = DaemonStatus(
        running=pid is not None,
        pid=pid if pid and pid > 0 else None,
        data=data,
        age_s=_age(data),
        source=str(source or ""),
        folder=str(paths.folder),
    )
    if status.silent:
        status.free_bytes = _free(paths.folder)
    return status


def newest_status(paths: DaemonPaths) -> tuple[dict[str, Any], Path | None]:
    """status.json or the spare, whichever the daemon wrote last (status.json on a tie)."""
    found = [
        (data, path) for path in (paths.status, paths.status_spare) if (data := read_json(path))
    ]
    if not found:
        return {}, None
    return max(found, key=lambda pair: (str(pair[0].get("updated") or ""), _seq(pair[0])))


def _seq(data: dict[str, Any]) -> int:
    seq = data.get("seq")
    return seq if isinstance(seq, int) else 0


def _age(data: dict[str, Any]) -> float | None:
    written = parse_iso(str(data.get("updated") or ""))
    if written is None:
        return None
    return max(0.0, (datetime.now(UTC) - written).total_seconds())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        pass
    return True


def _free(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


class StatusWriter:
    """Writes the daemon's status: status.json by atomic replace, else the spare in place.
    A failure goes to `health` (as the status place) and never up: a full disk must not
    stop the daemon."""

    def __init__(self, paths: DaemonPaths, health: DiskHealth) -> None:
        self.paths = paths
        self.health = health
        self._spare_failed = False

    def prepare(self) -> None:
        """Reserve the spare's blocks while there is room (at start, and again after the
        spare could not be written)."""
        try:
            reserve(self.paths.status_spare, RESERVE_BYTES)
        except OSError as exc:
            spare = self.paths.status_spare
            log.warning("cannot reserve %s (%s): a full disk will silence the status", spare, exc)
            self._spare_failed = True
        else:
            self._spare_failed = False

    def write(self, compose: Callable[[], dict[str, Any]]) -> bool:
        """Write the status `compose` makes (called again after a change in health). True
        when status.json could be written again after failing: room has come back."""
        if not self._replace(compose()):
            self._in_place(compose())
            return False
        if self._spare_failed:  # gone or never made: reserve it while there is room
            self.prepare()
        ended = self.health.ok(STATUS)
        if ended is None:
            return False
        log.info("status file writable again (%s since %s)", ended.problem, ended.since)
        self._replace(compose())  # the one just written still named the failure
        return True

    def _replace(self, data: dict[str, Any]) -> bool:
        try:
            write_json(self.paths.status, data)
        except OSError as exc:
            if self.health.failed(STATUS, self.paths.status, exc):
                log.warning("cannot write %s: %s", self.paths.status, exc)
            return False
        return True

    def _in_place(self, data: dict[str, Any]) -> None:
        spare = self.paths.status_spare
        try:
            if not write_in_place(spare, data, RESERVE_BYTES):
                write_in_place(spare, _compact(data), RESERVE_BYTES)
        except OSError as exc:  # readers go by the lock and the status's age instead
            if not self._spare_failed:
                log.warning("cannot write %s in place either: %s", spare, exc)
            self._spare_failed = True
        else:
            self._spare_failed = False


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """The status without the sources' error texts, which make a big one big."""
    sources = {
        name: {k: v for k, v in source.items() if k != "last_error"}
        for name, source in data.get("sources", {}).items()
    }
    return {**data, "sources": sources}


def write_status(paths: DaemonPaths, data: dict[str, Any]) -> None:
    """status.json as given, raising on failure: for tools and tests that stand in for a
    daemon (the daemon itself writes through StatusWriter)."""
    write_json(paths.status, data)

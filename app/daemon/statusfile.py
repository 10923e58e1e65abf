"""The daemon's status as other processes see it, without opening the encrypted index.

The daemon rewrites `daemon/status.json` every few seconds (atomic replace). A reader
combines it with a probe of the instance lock, so a daemon killed with `kill -9` reads as
not running even though its last status file says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from amber.daemon.instance import daemon_pid
from amber.daemon.jsonfile import read_json, write_json
from amber.daemon.paths import DaemonPaths


@dataclass
class DaemonStatus:
    running: bool
    pid: int | None
    data: dict[str, Any] = field(default_factory=dict)  # the last status the daemon wrote

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        return self.data.get("sources", {}) if self.running else {}

    def to_json(self) -> dict[str, Any]:
        stale = not self.running and bool(self.data)
        body = {**self.data, "state": self.data.get("state", "running")} if self.running else {}
        if stale:
            body = {"last_seen": self.data.get("updated"), "last_state": self.data.get("state")}
        return {"running": self.running, "pid": self.pid, **body}


def read_status(paths: DaemonPaths) -> DaemonStatus:
    pid = daemon_pid(paths)
    data = read_json(paths.status) or {}
    return DaemonStatus(running=pid is not None, pid=pid if pid and pid > 0 else None, data=data)


def write_status(paths: DaemonPaths, data: dict[str, Any]) -> None:
    write_json(paths.status, data)

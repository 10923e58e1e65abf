"""`amber sync` on an interval, in the daemon: `[sync] interval = 900` (seconds) in
config.toml; absent or 0, it never runs. Each run is a whole `MemoryService.sync`, which
takes the tree lock around its writes, so it never runs while an entry write is half done;
a failed run (the remote unreachable, a conflict git could not make) is shown in the
daemon's status and tried again at the next interval. After each run the job keeps where
the memory stands (`amber sync status`, less what is slow to count), so `amber daemon
status` and the TUI's daemon panel show it without the key (`sync_line`).
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Callable
from pathlib import Path

from amber.clock import now_iso
from amber.config import CONFIG_NAME

log = logging.getLogger("amber.daemon")

MIN_INTERVAL_S = 10.0
SYNC_STATE = "sync.json"  # written by `amber sync init` (amber/sync/state.py)
SHOWN = (  # of `amber sync status --json`: what the daemon's status keeps
    "last_sync",
    "ahead",
    "behind",
    "conflicts_waiting",
    "events_unsent",
    "segments_unapplied",
    "segments_here",
    "distiller",
)


def sync_line(section: dict[str, object] | None) -> str:
    """The daemon status's `sync` section in one line ("" when sync is off)."""
    if not section or section.get("state") == "off":
        return ""
    parts = [f"sync: {section.get('state', '?')}"]
    if section.get("last_run"):
        parts.append(f"last run {str(section['last_run'])[:19].replace('T', ' ')}")
    found = section.get("status")
    if isinstance(found, dict):
        parts.append(f"ahead {found.get('ahead', 0)}, behind {found.get('behind', 0)}")
        for key, label in (
            ("conflicts_waiting", "conflicts in review"),
            ("events_unsent", "events not sent"),
            ("segments_unapplied", "segments not applied"),
        ):
            if found.get(key):
                parts.append(f"{found[key]} {label}")
        if found.get("distiller"):
            parts.append(f"distilled by {found['distiller']}")
    if section.get("last_error"):
        parts.append(f"last error: {section['last_error']}")
    return " · ".join(parts)


def sync_interval(home: Path) -> tuple[float, str]:
    """(seconds, problem): `[sync] interval`; 0 when absent, with a problem when bad."""
    try:
        data = tomllib.loads((home / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return 0.0, ""  # the daemon's own config check reports a broken file
    value = data.get("sync", {}).get("interval", 0) if isinstance(data.get("sync"), dict) else 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 0.0, f"[sync] interval must be a number of seconds, got {value!r}; sync is off"
    if 0 < value < MIN_INTERVAL_S:
        return MIN_INTERVAL_S, ""
    return float(value), ""


class SyncJob:
    def __init__(
        self,
        run: Callable[[], object],
        home: Path,
        interval_s: float,
        stop: threading.Event,
        status: Callable[[], object] | None = None,
    ) -> None:
        self.run = run
        self.status = status  # `MemoryService.sync_status`: where the memory stands after
        self.standing: dict[str, object] = {}
        self.home = home
        self.interval_s = interval_s
        self.stop = stop
        self.state = "waiting"
        self.last_run: str | None = None
        self.last_error = ""
        self.runs = 0
        self._thread = threading.Thread(target=self._loop, name="amber-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float = 30.0) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "interval_s": self.interval_s,
            "last_run": self.last_run,
            "runs": self.runs,
            "last_error": self.last_error,
            "status": self.standing,
        }

    def _loop(self) -> None:
        while not self.stop.wait(self.interval_s):
            if not (self.home / SYNC_STATE).exists():
                self.state = "not set up: run `amber sync init [REMOTE]`"
                continue
            self.step()

    def step(self) -> None:
        self.state = "syncing"
        try:
            self.run()
        except Exception as exc:  # a failed sync must not stop capture; the next one retries
            log.warning("sync failed: %s", exc)
            self.last_error = str(exc)
            self.state = "failed; retried at the next interval"
        else:
            self.last_error = ""
            self.state = "synced"
            self.standing = self._standing()
        self.last_run = now_iso()
        self.runs += 1

    def _standing(self) -> dict[str, object]:
        if self.status is None:
            return {}
        try:
            found = self.status()
        except Exception as exc:  # the sync went through; only its summary is missing
            log.warning("sync status failed: %s", exc)
            return {}
        data = found.to_json() if hasattr(found, "to_json") else {}
        return {key: data.get(key) for key in SHOWN}

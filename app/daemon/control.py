"""Which sources are enabled or paused: a small JSON file next to the daemon's status.

`amber sources enable|disable|pause|resume` write it (under a file lock, atomic replace);
the running daemon notices the change within a second and starts or stops sources. It
works whether or not the daemon runs, and without the database key. On a full disk the
change fails in one line (`DaemonError`) and the old switches stay as they were.

    {"paused": {"until": null}, "sources": {"screen": {"enabled": false},
                                            "files": {"paused": {"until": "2026-...Z"}}}}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from filelock import FileLock

from amber.daemon.errors import DaemonError
from amber.daemon.health import write_problem
from amber.daemon.jsonfile import read_json, write_json
from amber.daemon.paths import DaemonPaths

ALL = None  # pause/resume without a name: the global switch


@dataclass(frozen=True)
class ControlState:
    data: dict[str, Any]

    def enabled(self, name: str, default: bool) -> bool:
        value = self._source(name).get("enabled")
        return default if value is None else bool(value)

    def paused(self, name: str | None, now: datetime | None = None) -> bool:
        """Paused by its own switch, or by the global one when `name` is given."""
        entry = self.data.get("paused") if name is None else self._source(name).get("paused")
        if name is not None and self.paused(None, now):
            return True
        return _active(entry, now or datetime.now(UTC))

    def next_change(self, now: datetime | None = None) -> datetime | None:
        """When the earliest timed pause ends (None: no timed pause pending)."""
        now = now or datetime.now(UTC)
        sources = [s for s in self.data.get("sources", {}).values() if isinstance(s, dict)]
        entries = [self.data.get("paused"), *(s.get("paused") for s in sources)]
        ends = [_parse(e.get("until")) for e in entries if isinstance(e, dict) and e.get("until")]
        future = [end for end in ends if end is not None and end > now]
        return min(future, default=None)

    def paused_until(self, name: str | None) -> str | None:
        entry = self.data.get("paused") if name is None else self._source(name).get("paused")
        return entry.get("until") if isinstance(entry, dict) else None

    def _source(self, name: str) -> dict[str, Any]:
        found = self.data.get("sources", {}).get(name)
        return found if isinstance(found, dict) else {}


def _active(entry: object, now: datetime) -> bool:
    if not isinstance(entry, dict):
        return False
    until = entry.get("until")
    if not until:
        return True
    end = _parse(until)
    return end is None or end > now  # an unreadable end: stay paused rather than capture


def _parse(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class Control:
    def __init__(self, paths: DaemonPaths) -> None:
        self.paths = paths

    def load(self) -> ControlState:
        return ControlState(read_json(self.paths.control) or {})

    def read(self) -> ControlState | None:
        """The switches; None when the file is there but cannot be read now (an I/O error):
        the daemon then keeps the switches it has rather than fall back to the defaults,
        which could start a source the user disabled."""
        if not self.paths.control.exists():
            return ControlState({})
        data = read_json(self.paths.control)
        return None if data is None else ControlState(data)

    def version(self) -> tuple[int, int]:
        """Changes whenever the file is replaced (cheap enough to poll every second)."""
        try:
            info = self.paths.control.stat()
        except FileNotFoundError:
            return (0, 0)
        return (info.st_ino, info.st_mtime_ns)

    def enable(self, name: str, enabled: bool = True) -> None:
        with self._editing() as data:
            data.setdefault("sources", {}).setdefault(name, {})["enabled"] = enabled

    def pause(self, name: str | None, until: datetime | None = None) -> None:
        entry = {"until": until.astimezone(UTC).isoformat(timespec="seconds") if until else None}
        with self._editing() as data:
            if name is ALL:
                data["paused"] = entry
            else:
                data.setdefault("sources", {}).setdefault(name, {})["paused"] = entry

    def resume(self, name: str | None) -> None:
        with self._editing() as data:
            if name is ALL:
                data.pop("paused", None)
                for entry in data.get("sources", {}).values():
                    entry.pop("paused", None)
            else:
                data.get("sources", {}).get(name, {}).pop("paused", None)

    def _editing(self) -> _Edit:
        return _Edit(self.paths)


class _Edit:
    """Read-modify-write of the control file under a lock, so two commands never race."""

    def __init__(self, paths: DaemonPaths) -> None:
        self.paths = paths
        self.lock = FileLock(str(paths.folder / "control.lock"))
        self.data: dict[str, Any] = {}

    def __enter__(self) -> dict[str, Any]:
        try:
            self.paths.ensure()
            self.lock.acquire(timeout=10)
        except OSError as exc:
            raise _unwritable(self.paths, exc) from None
        self.data = read_json(self.paths.control) or {}
        return self.data

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if exc_type is None:
                write_json(self.paths.control, self.data)
        except OSError as exc:
            raise _unwritable(self.paths, exc) from None
        finally:
            self.lock.release()


def _unwritable(paths: DaemonPaths, exc: OSError) -> DaemonError:
    """One line instead of a traceback: a full disk is the user's to fix, not a bug."""
    hint = "; free some space and try again" if write_problem(exc) else ""
    return DaemonError(f"cannot change {paths.control}: {exc.strerror or exc}{hint}")

"""Where the daemon keeps its files under the home (none of them holds captured content)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amber.config import Config


@dataclass(frozen=True)
class DaemonPaths:
    home: Path

    @classmethod
    def of(cls, config: Config) -> DaemonPaths:
        return cls(config.home)

    @property
    def folder(self) -> Path:
        return self.home / "daemon"

    @property
    def lock(self) -> Path:
        """Held for the daemon's whole life: one instance per home."""
        return self.folder / "daemon.lock"

    @property
    def pid(self) -> Path:
        return self.folder / "daemon.pid"

    @property
    def status(self) -> Path:
        """Written by the daemon every few seconds; read by `amber daemon status`."""
        return self.folder / "status.json"

    @property
    def status_spare(self) -> Path:
        """Blocks reserved at start, rewritten in place when status.json cannot be
        replaced (a full disk): how the daemon still tells its status then."""
        return self.folder / "status.spare.json"

    @property
    def control(self) -> Path:
        """Enabled/paused sources; written by `amber sources`, watched by the daemon."""
        return self.folder / "control.json"

    @property
    def log(self) -> Path:
        return self.home / "logs" / "daemon.log"

    @property
    def screens(self) -> Path:
        """Encrypted screenshots, only when the user opted in to keeping them."""
        return self.home / "screens"

    def ensure(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)

"""This device's sync settings and progress, in `sync.json` beside config.toml (never in
the repository): its name, the remote and branch, when it last synced, and the last
commit whose files the index is known to hold (so an interrupted sync reindexes what a
merge brought, on its next run)."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_FILE = "sync.json"
REMOTE_NAME = "origin"


@dataclass
class SyncState:
    device: str
    remote: str = REMOTE_NAME  # the git remote's name ("" for none: commits stay local)
    branch: str = "main"
    last_sync: str = ""
    last_error: str = ""
    indexed_head: str = ""  # the commit whose files the index holds
    upstream: str = ""  # the remote's commit merged last (a rewritten remote is told by it)
    rewritten: str = ""  # when history was purged here, until the remote holds the new one
    sealed_with: str = ""  # the check of the key this device's segments are sealed with


def device_name(home_id: str) -> str:
    """The host's name and a part of the home's id: unique even for two homes on one host,
    and safe as a folder name."""
    host = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname()).strip("-")[:24] or "device"
    return f"{host}-{home_id[:6] or secrets.token_hex(3)}".lower()


def load(home: Path) -> SyncState | None:
    """The state, or None before `amber sync init`."""
    path = home / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        from amber.errors import InvalidInputError

        raise InvalidInputError(
            f"{path} cannot be read ({exc}); remove it and run `amber sync init` again"
        ) from exc
    known = set(SyncState.__dataclass_fields__)
    return SyncState(**{k: str(v) for k, v in data.items() if k in known})


def save(home: Path, state: SyncState) -> None:
    path = home / STATE_FILE
    tmp = path.with_name(f".{STATE_FILE}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)

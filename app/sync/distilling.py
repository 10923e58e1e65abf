"""One distilling device per synced memory, so two devices never write the same page.

A page is keyed by what it covers (`person:caroline`, a conversation's day), and two
devices that both distilled the same events would each make a file for that key: the
same page twice, or a conflict in review at every sync. So the repository names one
device that distils, in `.amber/distiller.json` (`{"device", "since"}`): the first
device that syncs claims it, and `amber sync distiller --here` moves it. The other devices
send their events to it as segments and receive its pages as files; their own distiller
runs distil nothing. The distilling device sends a mark for each event it has distilled
(`events.py`), so every device's queue and retention follow it: an event is pruned nowhere
before it was distilled.

The pages a distiller keeps (their keys, and the hash of what it last wrote in each, so
that a file a person edited since is told from its own) live in its index; it also writes
them to `.amber/pages.json` when it syncs. A device that takes the role over adopts that
map, so it goes on writing the same files instead of making new ones, and leaves the
pages a person edited to review as the first device would have.

Two claims that cross (two devices set up at once, or moved at once) merge to the later
claim, ties to the lower device name: every device resolves them the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from amber.clock import now_iso
from amber.config import Config
from amber.store import sync as sync_rows
from amber.store.db import Database
from amber.sync import state as sync_state
from amber.tree.files import TreeFiles

ROLE_FILE = ".amber/distiller.json"
PAGES_FILE = ".amber/pages.json"


@dataclass(frozen=True)
class Role:
    device: str
    since: str

    def text(self) -> str:
        return json.dumps({"device": self.device, "since": self.since}, indent=2) + "\n"


def parse_role(text: str | None) -> Role | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        return Role(str(data["device"]), str(data.get("since", "")))
    except (ValueError, KeyError, TypeError):
        return None


def read_role(tree: Path) -> Role | None:
    try:
        return parse_role((tree / ROLE_FILE).read_text(encoding="utf-8"))
    except OSError:
        return None


def claim(files: TreeFiles, device: str) -> Role:
    role = Role(device, now_iso())
    files.write_text(ROLE_FILE, role.text())
    return role


def settle(ours: Role | None, theirs: Role | None) -> Role | None:
    """Two claims that crossed: the later, ties to the lower name (the same on every
    device, whichever side it is on)."""
    claims = sorted((r for r in (ours, theirs) if r is not None), key=lambda r: r.device)
    return max(claims, key=lambda r: r.since, default=None)  # the first of equals


def elsewhere(config: Config) -> str:
    """The device that distils this memory when it is not this one; "" when this one does
    (or the home does not sync)."""
    state = sync_state.load(config.home)
    if state is None:
        return ""
    role = read_role(config.tree_dir)
    return role.device if role is not None and role.device != state.device else ""


# -- the pages the distilling device keeps -------------------------------------------------------


def export_pages(db: Database, files: TreeFiles, device: str) -> bool:
    """Write this device's page map when it changed; True when it did."""
    pages = {
        key: {"id": entry_id, "sha256": digest} for key, entry_id, digest in sync_rows.page_map(db)
    }
    text = json.dumps({"device": device, "pages": pages}, indent=1, sort_keys=True) + "\n"
    current = files.read_bytes(PAGES_FILE) if files.exists(PAGES_FILE) else b""
    if current == text.encode("utf-8"):
        return False
    files.write_text(PAGES_FILE, text)
    return True


def adopt_pages(db: Database, files: TreeFiles, device: str) -> int:
    """Take over the page map another device wrote (this device distils now); returns how
    many pages it holds."""
    if not files.exists(PAGES_FILE):
        return 0
    try:
        data = json.loads(files.read_bytes(PAGES_FILE))
        held = str(data.get("device", ""))
        pages = [
            (str(key), str(page["id"]), str(page.get("sha256", "")))
            for key, page in dict(data.get("pages", {})).items()
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return 0  # a map no one can read: its pages stay, the distiller makes its own anew
    if held == device:
        return 0
    with db.write() as conn:
        sync_rows.adopt_page_map(conn, pages)
    return len(pages)


def settle_pages(role: Role | None, ours: str, theirs: str) -> str:
    """Two page maps that crossed (two devices distilled at once): the role holder's."""
    try:
        written_by = str(json.loads(theirs).get("device", ""))
    except (ValueError, AttributeError):
        return ours
    return theirs if role is not None and written_by == role.device else ours

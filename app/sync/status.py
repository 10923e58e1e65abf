"""`amber sync status`: where this device stands, from what it knows now (no network:
ahead/behind count against the remote as last fetched)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from amber.store import review as review_rows
from amber.store import sync as sync_rows
from amber.store.db import Database
from amber.sync import conflicts, distilling, segments
from amber.sync.git import Git
from amber.sync.state import SyncState
from amber.tree.files import TreeFiles


@dataclass(frozen=True)
class SyncStatus:
    device: str
    remote: str  # the remote's URL ("" when commits stay local)
    branch: str
    last_sync: str
    ahead: int  # local commits the remote lacks
    behind: int  # fetched commits not merged yet
    uncommitted: int  # files changed since the last commit
    conflicts_waiting: int  # sync conflicts in `amber review`
    copies_waiting: int  # file syncers' conflict copies not routed yet
    events_unsent: int  # events no segment holds yet
    segments_unapplied: int  # other devices' segments not applied here yet
    segments_here: int  # this device's segment files (`amber sync compact` merges them)
    distiller: str  # the device that distils this memory ("" before the first sync)
    tombstones: int
    last_error: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def sync_status(git: Git, db: Database, files: TreeFiles, state: SyncState) -> SyncStatus:
    ahead, behind = _ahead_behind(git, state)
    url = (
        git.run("remote", "get-url", state.remote, check=False).out.strip() if state.remote else ""
    )
    counts = sync_rows.counts(db)
    applied = sync_rows.applied_segments(db)
    listed = segments.list_segments(files.root)
    unapplied = [s for s in listed if s not in applied]
    role = distilling.read_role(files.root)
    waiting = review_rows.items(db, "pending", 100_000)
    return SyncStatus(
        device=state.device,
        remote=url,
        branch=state.branch,
        last_sync=state.last_sync,
        ahead=ahead,
        behind=behind,
        uncommitted=len(git.z_paths("status", "--porcelain", "-z", "--no-renames")),
        conflicts_waiting=sum(1 for item in waiting if item.action == conflicts.SYNC_CONFLICT),
        copies_waiting=len(conflicts.conflict_copies(files)),
        events_unsent=counts.unsent,
        segments_unapplied=len(unapplied),
        segments_here=sum(1 for s in listed if s.split("/")[-2] == state.device),
        distiller=role.device if role else "",
        tombstones=counts.tombstones,
        last_error=state.last_error,
    )


def _ahead_behind(git: Git, state: SyncState) -> tuple[int, int]:
    if not state.remote or git.head() is None:
        return 0, 0
    upstream = f"refs/remotes/{state.remote}/{state.branch}"
    found = git.run("rev-list", "--left-right", "--count", f"HEAD...{upstream}", check=False)
    if found.code != 0:
        return int(git.run("rev-list", "--count", "HEAD").out.strip() or 0), 0
    left, right = found.out.split()
    return int(left), int(right)

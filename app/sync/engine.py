"""`amber sync`: one memory on every device, through git.

A sync, under the sync lock (one at a time per home):

1. under the tree lock (so no entry write is half done): this device's new events and
   tombstones become encrypted segments (`events.py`), and every change in the tree is
   committed with a message naming the device and what changed;
2. fetch from the remote (no lock: the network may be slow);
3. under the tree lock: merge what came (conflicts resolved, `resolve.py`; those a person
   must decide go to review), apply the other devices' segments, reindex the files the
   merge changed, route file syncers' conflict copies to review, and commit what that
   changed (entries forgotten by a tombstone);
4. push; when another device pushed meanwhile, fetch and merge again (a few times).

A sync killed at any point leaves git's own state (a merge half made, a stale
index.lock) that the next sync clears before it starts; segments are applied in one
transaction each, and the index follows the commit recorded as indexed, so the next
sync completes what this one did not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3

from amber import contexts
from amber.clock import now_iso
from amber.config import Config
from amber.errors import AmberError
from amber.store import entries as entry_rows
from amber.store import sync as sync_rows
from amber.sync import compact as compaction
from amber.sync import conflicts, distilling, keyshare, purge, repo, resolve, segments
from amber.sync import state as sync_state
from amber.sync.events import EventExchange, Exchange
from amber.sync.git import Git, GitError
from amber.sync.state import SyncState
from amber.sync.status import SyncStatus, sync_status
from amber.tree import layout
from amber.tree.entry import parse_entry
from amber.writing import plans
from amber.writing.writer import EntryWriter

PUSH_TRIES = 3
SYNC_LOCK = "sync.lock"


class NotSyncedError(AmberError):
    """The home has no sync set up."""

    exit_code = 1


class SyncBusyError(AmberError):
    exit_code = 1


class RewrittenHistoryError(AmberError):
    """This repository's history and the remote's differ by a purge: merging them would
    bring the purged text back."""

    exit_code = 5


@dataclass
class SyncReport:
    device: str
    committed: bool = False
    merged: bool = False
    pushed: bool = False
    conflicts: list[str] = field(default_factory=list)  # paths sent to review
    reindexed: int = 0
    copies_routed: int = 0
    exchange: Exchange = field(default_factory=Exchange)


class Syncer:
    def __init__(self, config: Config, writer: EntryWriter, key: bytes) -> None:
        self.config = config
        self.writer = writer
        self.db = writer.db
        self.files = writer.files
        self.key = key
        self.git = Git(config.tree_dir)

    # -- setting up ---------------------------------------------------------------------------

    def state(self) -> SyncState:
        found = sync_state.load(self.config.home)
        if found is None:
            raise NotSyncedError("this home does not sync yet: run `amber sync init [REMOTE]`")
        self.git.author = found.device
        return found

    def init(self, remote: str | None, device: str | None = None) -> SyncState:
        """Make or adopt the repository, point it at `remote`, and check the memory key
        against what the remote holds (refused before anything is merged); `amber sync
        init` then syncs once."""
        current = sync_state.load(self.config.home)
        name = device or (current.device if current else "")
        name = name or sync_state.device_name(self.config.home_id)
        self.git.author = name
        with self._sync_lock(), self.writer.locked():
            repo.ensure_repository(self.git, self.files, "main")
            branch = self._branch()
            remote_name = self._set_remote(remote) if remote else self._existing_remote()
            state = SyncState(device=name, remote=remote_name, branch=branch)
            if current:
                state.last_sync, state.indexed_head = current.last_sync, current.indexed_head
                state.sealed_with = current.sealed_with
        held = None
        if remote_name:
            self._fetch(state)
            self._check_remote_key(state)
            held = self.git.show(f"{state.remote}/{state.branch}:{keyshare.REPO_KEY_FILE}")
        with self.writer.locked():
            self._write_key_info(held)
        sync_state.save(self.config.home, state)
        return state

    def _branch(self) -> str:
        result = self.git.run("symbolic-ref", "--short", "-q", "HEAD", check=False)
        return result.out.strip() or "main"

    def _set_remote(self, remote: str) -> str:
        name = sync_state.REMOTE_NAME
        existing = self.git.run("remote", "get-url", name, check=False)
        if existing.code != 0:
            self.git.run("remote", "add", name, remote)
        elif existing.out.strip() != remote:
            self.git.run("remote", "set-url", name, remote)
        return name

    def _existing_remote(self) -> str:
        names = self.git.lines("remote")
        return sync_state.REMOTE_NAME if sync_state.REMOTE_NAME in names else ""

    def _check_remote_key(self, state: SyncState) -> None:
        info = self.repo_key_info(f"{state.remote}/{state.branch}")
        if info is not None and not keyshare.same_key(info, self.key):
            raise keyshare.refuse_other_key(f"the remote '{state.remote}'", info)

    def repo_key_info(self, rev: str) -> dict | None:
        """The key check (and passphrase salt) a revision of the repository holds."""
        data = self.git.show(f"{rev}:{keyshare.REPO_KEY_FILE}")
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None

    def _write_key_info(self, remote_held: bytes | None = None) -> None:
        """The key check (and passphrase salt) into the tree. The remote's, when it has one
        (checked to be this key's): a device set up alone first, with a key of its own,
        then took the memory's, and its own file is stale."""
        if remote_held is not None:
            if not self.files.exists(keyshare.REPO_KEY_FILE) or (
                self.files.read_bytes(keyshare.REPO_KEY_FILE) != remote_held
            ):
                self.files.write_bytes(keyshare.REPO_KEY_FILE, remote_held)
            return
        kdf = None
        if self.config.key_storage == "passphrase" and self.config.keyfile_path.exists():
            kdf = json.loads(self.config.keyfile_path.read_text(encoding="utf-8"))
        info = keyshare.repo_key_info(self.key, kdf)
        if self.files.exists(keyshare.REPO_KEY_FILE):
            held = json.loads(self.files.read_bytes(keyshare.REPO_KEY_FILE))
            if not keyshare.same_key(held, self.key):
                raise keyshare.refuse_other_key(f"the tree {self.config.tree_dir}")
            if held.get("kdf") or not kdf:
                return
        self.files.write_text(keyshare.REPO_KEY_FILE, json.dumps(info, indent=2) + "\n")

    def distiller(self) -> str:
        """The device that distils this memory ("" before the first sync names one)."""
        self.state()
        role = distilling.read_role(self.config.tree_dir)
        return role.device if role else ""

    def take_distiller(self) -> SyncReport:
        """Make this device the one that distils: sync first (for the latest page map),
        claim the role, and sync again to push the claim; the map is adopted on the way."""
        state = self.state()
        self.sync()
        with self._sync_lock(), self.writer.locked():
            distilling.claim(self.files, state.device)
        return self.sync()

    # -- syncing ------------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        return sync_status(self.git, self.db, self.files, self.state())

    def sync(self) -> SyncReport:
        state = self.state()
        try:
            return self._sync(state)
        except AmberError as exc:
            state.last_error = str(exc)
            sync_state.save(self.config.home, state)
            raise

    def _sync(self, state: SyncState) -> SyncReport:
        report = SyncReport(state.device)
        with self._sync_lock():
            self._recover()
            self._check_purged_here(state)
            with self.writer.locked():
                self._reindex_since(state, report)
                report.committed = self._commit_local(state, report)
            for _ in range(PUSH_TRIES):
                if state.remote:
                    self._fetch(state)
                with self.writer.locked():
                    self._merge(state, report)
                    self._receive(state, report)
                if not state.remote or self._push(state):
                    report.pushed = bool(state.remote)
                    break
            else:
                raise GitError(f"the remote kept changing; {PUSH_TRIES} pushes were refused")
            state.last_sync, state.last_error = now_iso(), ""
            sync_state.save(self.config.home, state)
        return report

    @contextmanager
    def _sync_lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        self.config.locks_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.config.locks_dir / SYNC_LOCK), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise SyncBusyError("a sync of this home is running already; try again soon") from None
        try:
            yield
        finally:
            lock.release()

    def _recover(self) -> None:
        """Clear what a sync killed midway left: git's index lock, when no git process
        runs in the tree (none of ours does while we hold the sync lock; a person's `git
        commit` waiting for its editor may), and a merge never committed (made again)."""
        try:
            git_dir = self.git.git_dir()
        except GitError:
            raise NotSyncedError(
                f"the tree {self.config.tree_dir} is no longer a git repository; run `amber "
                "sync init REMOTE` again (it joins the remote's history)"
            ) from None
        lock = git_dir / "index.lock"
        if lock.exists():
            self._release_stale(lock)
        if (git_dir / "MERGE_HEAD").exists():
            self.git.run("merge", "--abort", check=False)
            self.git.run("reset", "-q", "--merge", check=False)

    def _release_stale(self, lock: Path) -> None:
        holders = repo.git_processes_in(self.config.tree_dir)
        if holders:
            raise SyncBusyError(
                f"git (pid {', '.join(map(str, holders))}) is running in the tree and holds "
                f"{lock}; sync again once it ends"
            )
        lock.unlink(missing_ok=True)  # left by a git that was killed: nothing holds it

    def _commit_local(self, state: SyncState, report: SyncReport) -> bool:
        staged = repo.stage_all(self.git)
        # Hand edits nobody indexed yet: files that exist first, so a moved entry keeps its id.
        moved = [path for pair in staged.moved for path in reversed(pair)]
        self._index_paths([*staged.added, *staged.changed, *moved, *staged.removed])
        forgotten = self._forgotten_entries(staged.removed)
        exchange = EventExchange(self.db, self.files, state.device, self._events_key(), self._max())
        check = keyshare.key_check(self.key)
        if state.sealed_with != check:  # the key changed (or never checked): resealed
            exchange.resend_unreadable()
            state.sealed_with = check
        exchange.send(report.exchange, forgotten)
        kept = self._keep_distiller(state.device, claim=False)
        if report.exchange.segments_written or kept:
            staged = repo.stage_all(self.git)
        if staged.empty:
            return False
        repo.commit(self.git, repo.commit_message(state.device, staged))
        state.indexed_head = self.git.head() or ""
        sync_state.save(self.config.home, state)
        return True

    def _forgotten_entries(self, removed: list[str]) -> list[str]:
        """Ids of entry files removed since the last commit whose id is nowhere in the
        index any more: forgotten here, not moved."""
        ids = []
        for path in removed:
            data = self.git.show(f"HEAD:{path}")
            if data is None:
                continue
            entry = parse_entry(path, data.decode("utf-8", "replace"))
            if entry.has_own_id and entry_rows.entry_row(self.db, entry.id) is None:
                ids.append(entry.id)
        return ids

    def _fetch(self, state: SyncState) -> None:
        self.git.run("fetch", "-q", state.remote)

    def _upstream(self, state: SyncState) -> str | None:
        ref = f"refs/remotes/{state.remote}/{state.branch}"
        found = self.git.run("rev-parse", "--verify", "-q", ref, check=False)
        return found.out.strip() or None if state.remote else None

    def _merge(self, state: SyncState, report: SyncReport) -> None:
        upstream = self._upstream(state)
        if upstream is None:
            return
        info = self.repo_key_info(upstream)
        if info is not None and not keyshare.same_key(info, self.key):
            raise keyshare.refuse_other_key(f"the remote '{state.remote}'")
        self._check_purged_there(state, upstream)
        if self.git.head() is None:
            self.git.run("reset", "-q", "--hard", upstream)
        else:
            self._merge_commit(state, upstream, report)
        report.merged = True
        state.upstream = upstream
        self._reindex_since(state, report)

    def _merge_commit(self, state: SyncState, upstream: str, report: SyncReport) -> None:
        origin = self._origin(upstream)
        message = f"{state.device}: merge from {origin}"
        result = self.git.run(
            "merge",
            "-q",
            "--no-edit",
            "--allow-unrelated-histories",
            "-m",
            message,
            upstream,
            check=False,
        )
        if result.code == 0:
            return
        if not resolve.conflicted(self.git):
            raise GitError(f"git merge failed: {(result.err or result.out).strip()[-800:]}")
        kept = resolve.resolve_all(self.git, self.files, origin, self._tombstoned_entry)
        with self.db.write() as conn:
            for conflict in kept:
                conflicts.propose(self.db, conn, conflict)
        report.conflicts += [c.path for c in kept]
        self.git.run("commit", "-q", "--no-verify", "--no-edit")

    def _origin(self, upstream: str) -> str:
        """The device that made the commit being merged (its message starts with its name)."""
        subject = self.git.run("log", "-1", "--format=%s", upstream).out.strip()
        name = subject.split(":", 1)[0] if ":" in subject else "the other device"
        return layout.slugify(name) or "other"

    def _tombstoned_entry(self, entry_id: str) -> bool:
        return bool(sync_rows.known_entry_tombstones(self.db, [entry_id]))

    def _receive(self, state: SyncState, report: SyncReport) -> None:
        exchange = EventExchange(self.db, self.files, state.device, self._events_key(), self._max())
        exchange.receive(report.exchange, self._forget_entry)
        report.copies_routed += conflicts.route_copies(self.writer)
        self._keep_distiller(state.device, claim=True)
        staged = repo.stage_all(self.git)
        if not staged.empty:
            repo.commit(self.git, repo.commit_message(state.device, staged))
        state.indexed_head = self.git.head() or ""
        sync_state.save(self.config.home, state)

    def _keep_distiller(self, device: str, claim: bool) -> bool:
        """The distilling device's upkeep (amber/sync/distilling.py): the role claimed
        when the repository names none (only after a merge, so that a joining device sees
        the remote's claim first), the page map adopted when this device took the role
        over, and written when it changed. True when a file changed."""
        role = distilling.read_role(self.config.tree_dir)
        claimed = role is None and claim
        if claimed:
            role = distilling.claim(self.files, device)
        if role is None or role.device != device:
            return False
        distilling.adopt_pages(self.db, self.files, device)
        return distilling.export_pages(self.db, self.files, device) or claimed

    def _forget_entry(self, entry_id: str) -> bool:
        row = entry_rows.entry_row(self.db, entry_id)
        entry = self.writer.read(row.path) if row else None
        if entry is None:
            return False
        self.writer.commit(plans.forgotten(entry))
        contexts.refresh(self.writer, contexts.folders_of([entry.path]), create=False)
        return True

    def _push(self, state: SyncState) -> bool:
        if self.git.head() is None:
            return True
        pushed = self.git.run(
            "push", "-q", state.remote, f"HEAD:refs/heads/{state.branch}", check=False
        )
        if pushed.code == 0:
            return True
        if (
            "rejected" in pushed.err
            or "fetch first" in pushed.err
            or "non-fast-forward" in pushed.err
        ):
            return False
        raise GitError(f"git push failed: {pushed.err.strip()[-800:]}")

    # -- compacting this device's segments (amber/sync/compact.py) -------------------------------

    def compact(self) -> compaction.CompactReport:
        """Merge this device's segments into a few, committed here (pushed by the next
        sync); the other devices take them without importing anything twice."""
        state = self.state()
        with self._sync_lock():
            self._recover()
            with self.writer.locked():
                done = compaction.compact(self.db, self.files, state.device, self._events_key())
                if done.segments_after != done.segments_before:
                    self._commit_local(state, SyncReport(state.device))
        return done

    # -- purging history (amber/sync/purge.py) -------------------------------------------------

    def purge_history(self, entry_id: str) -> purge.PurgeReport:
        """Rewrite this repository's history without a forgotten entry. The forgetting is
        committed first (its tombstone in a segment), so the new history carries it; no
        network is needed: the remote is force-pushed by the person (the report says how)."""
        state = self.state()
        with self._sync_lock():
            self._recover()
            with self.writer.locked():
                self._commit_local(state, SyncReport(state.device))
                report = purge.purge(self.git, entry_id)
                state.indexed_head = self.git.head() or ""
        report.remote, report.branch = state.remote, state.branch
        report.tree = str(self.config.tree_dir)
        state.rewritten = now_iso() if state.remote else ""
        sync_state.save(self.config.home, state)
        return report

    def _check_purged_here(self, state: SyncState) -> None:
        """After a purge here, sync only once the remote holds the new history (its
        branch is in ours): a merge with the old one would bring the purged text back."""
        if not state.rewritten or not state.remote:
            return
        listed = self.git.run(
            "ls-remote", state.remote, f"refs/heads/{state.branch}", check=False
        ).out.split()
        tip = listed[0] if listed else ""
        if not tip or (self._known(tip) and self._is_ancestor(tip, "HEAD")):
            state.rewritten = ""
            sync_state.save(self.config.home, state)
            return
        tree = str(self.config.tree_dir)
        steps = purge.PurgeReport("", remote=state.remote, branch=state.branch, tree=tree)
        raise RewrittenHistoryError(
            f"history was purged here on {state.rewritten}; {steps.remote_steps()[0]}"
        )

    def _check_purged_there(self, state: SyncState, upstream: str) -> None:
        """The remote's history rewritten elsewhere (a purge) while ours still holds the
        old one: refused, since merging would push the purged text back."""
        old = state.upstream
        if not old or old == upstream or not self._known(old):
            return
        if self._is_ancestor(old, upstream) or not self._is_ancestor(old, "HEAD"):
            return
        raise RewrittenHistoryError(
            f"the remote '{state.remote}' has a rewritten history (`amber forget "
            "--purge-history` on another device); merging this device's old history would "
            "bring the purged text back. Take the new history: move the tree aside and run "
            f"`amber sync init REMOTE`, or in {self.config.tree_dir} run `git reset --hard "
            f"{state.remote}/{state.branch}` (edits made here since the last sync are lost) "
            "and `git reflog expire --expire=now --all && git gc --prune=now`, then `amber sync`"
        )

    def _is_ancestor(self, older: str, newer: str) -> bool:
        found = self.git.run("merge-base", "--is-ancestor", older, newer, check=False)
        return found.code == 0

    # -- the index follows the commits ----------------------------------------------------------

    def _reindex_since(self, state: SyncState, report: SyncReport) -> None:
        """Index the files changed between the commit the index holds and HEAD."""
        head = self.git.head()
        if head is None or head == state.indexed_head:
            return
        if state.indexed_head and self._known(state.indexed_head):
            changed = self.git.z_paths(
                "diff", "--name-only", "-z", "--no-renames", state.indexed_head, head
            )
        else:  # every file, and every row of one gone (a history reset or purged)
            listed = self.git.z_paths("ls-files", "-z")
            changed = list(dict.fromkeys([*listed, *entry_rows.indexed_files(self.db)]))
        report.reindexed += self._index_paths(changed)
        state.indexed_head = head
        sync_state.save(self.config.home, state)

    def _known(self, commit: str) -> bool:
        return self.git.run("cat-file", "-e", f"{commit}^{{commit}}", check=False).code == 0

    def _index_paths(self, paths: list[str]) -> int:
        """Index these files, a few hundred per transaction (a first sync brings many)."""
        entries = [p for p in paths if p.endswith(".md") and not p.startswith(".amber/")]
        for start in range(0, len(entries), 500):
            chunk = entries[start : start + 500]
            with self.db.write() as conn:
                self._release_swapped(conn, chunk)
                for path in chunk:
                    self.writer.indexer.index_in(conn, path, "sync")
        return len(entries)

    def _release_swapped(self, conn: sqlcipher3.Connection, paths: list[str]) -> None:
        """Rows of paths that now hold another entry (two new entries at one path, one
        moved aside): dropped first, so that the entry moved aside keeps its id instead of
        being taken for a copy of the one still indexed at its old path."""
        for path in paths:
            row = entry_rows.entry_row_by_path(self.db, path)
            if row is None or not self.files.exists(path):
                continue
            entry = parse_entry(path, self.files.read_bytes(path).decode("utf-8", "replace"))
            if entry.has_own_id and entry.id != row.id:
                entry_rows.delete_entry_rows(conn, "", path)

    def _events_key(self) -> bytes:
        from amber.security.keys import derive_key

        return derive_key(self.key, segments.KEY_PURPOSE)

    def _max(self) -> int:
        return self.config.max_event_bytes

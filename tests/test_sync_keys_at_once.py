"""Two devices set up against an empty remote at once, each with a key of its own: the
second to sync is refused with what to do, and doing it (`amber sync init` again, same
passphrase) joins the memory without losing either device's events. And git's index lock:
removed only when no git process runs in the tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.sync import bare_remote, capture, chat, device, recalls, sync

from amber.errors import WrongKeyError
from amber.home import init_home
from amber.sync.engine import SyncBusyError


def _set_up(folder: Path, name: str, remote: Path) -> Path:
    home = folder / name
    init_home(home)  # the same passphrase, its own salt: its own key
    with device(home) as service:
        service.sync_init(str(remote), device=name)  # the remote is still empty
    return home


def test_two_devices_set_up_at_once_join_by_syncing_init_again(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a, b = _set_up(tmp_path, "a", remote), _set_up(tmp_path, "b", remote)
    capture(a, chat("pool", "The locker code at the swimming pool is 4471"))
    capture(b, chat("garden", "Plant the tulip bulbs before the first frost"))
    with device(b) as service:
        service.remember("Oil change due in March", path="car")
    sync(a)
    with device(b) as service, pytest.raises(WrongKeyError, match="amber sync init"):
        service.sync()  # refused at the merge, its own segments committed with its own key
    with device(b) as service:
        service.sync_init(str(remote))  # the same passphrase: the memory's key adopted
        service.sync()
    sync(a, b)
    for home in (a, b):
        assert any("4471" in s for s in recalls(home, "locker code swimming pool")), home
        assert any("tulip" in s for s in recalls(home, "tulip bulbs frost")), home
        assert recalls(home, "oil change", "entry"), home
        with device(home) as service:
            assert service.event_source_counts() == {"conversation": 2}
            assert service.sync_status().segments_unapplied == 0


def test_git_index_lock_is_removed_only_when_no_git_runs_in_the_tree(tmp_path: Path) -> None:
    home = tmp_path / "a"
    init_home(home)
    with device(home) as service:
        service.sync_init(None, device="a")
        service.sync()
        service.remember("Bike lock code hint: the year we met", path="misc")
    tree = home / "tree"
    lock = tree / ".git" / "index.lock"
    lock.write_bytes(b"")
    working = subprocess.Popen(  # a git that is still at work in the tree
        ["git", "hash-object", "--stdin"], cwd=tree, stdin=subprocess.PIPE
    )
    try:
        with device(home) as service, pytest.raises(SyncBusyError, match=str(working.pid)):
            service.sync()
        assert lock.exists()
    finally:
        working.communicate(b"")
    with device(home) as service:  # what is left of a git that was killed: removed
        assert service.sync().committed
    assert not lock.exists()

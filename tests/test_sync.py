"""`amber sync` between real homes through a real bare git repository: entries merge,
events travel encrypted, forgetting travels, conflicts keep both texts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.sync import (
    GIT,
    all_objects,
    bare_remote,
    capture,
    chat,
    device,
    new_device,
    recalls,
    sync,
)

from amber.errors import WrongKeyError
from amber.store.forget import Selection
from amber.sync.conflicts import SYNC_CONFLICT
from amber.sync.git import GitError

EVENT_TEXTS = (
    "The locker code at the swimming pool is 4471 and the towel is blue",
    "Grandma's lasagne needs nutmeg in the bechamel, never cinnamon",
)


def _git(home: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(home / "tree"), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_init_makes_the_tree_a_repository_that_fits(tmp_path: Path) -> None:
    home = new_device(tmp_path, "laptop", None)
    tree = home / "tree"
    assert (tree / ".git").is_dir()
    assert "* -text" in (tree / ".gitattributes").read_text()
    assert ".amber/events/** binary" in (tree / ".gitattributes").read_text()
    assert "*.sync-conflict-*" in (tree / ".gitignore").read_text()
    with device(home) as service:
        service.remember("Dentist is Dr. Ortiz on Tuesdays", path="health")
        report = service.sync()
    assert report.committed and not report.pushed  # no remote: commits stay local
    subject = _git(home, "log", "-1", "--format=%B")
    assert subject.startswith("laptop: 1 added")
    assert "health/dentist-is-dr-ortiz-on-tuesdays.md" in subject


def test_init_adopts_an_existing_repository_and_keeps_its_history(tmp_path: Path) -> None:
    from amber.home import init_home

    home = tmp_path / "vault"
    init_home(home)
    tree = home / "tree"
    (tree / "notes.md").write_text("# Notes\nmine before Amber synced\n")
    subprocess.run(["git", "-C", str(tree), "init", "-q", "-b", "trunk"], check=True)
    (tree / ".gitignore").write_text("private/\n")
    subprocess.run(["git", "-C", str(tree), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(tree), "commit", "-q", "-m", "my own commit"], check=True)
    with device(home) as service:
        state = service.sync_init(None, device="vault")
        service.sync()
    assert state.branch == "trunk"
    assert "my own commit" in _git(home, "log", "--format=%s")
    ignored = (tree / ".gitignore").read_text()
    assert ignored.startswith("private/\n") and "*.tmp" in ignored  # the user's line kept


def test_a_tree_inside_another_repository_is_refused(tmp_path: Path) -> None:
    from amber.home import init_home

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    home = tmp_path / "home"
    init_home(home)
    with device(home) as service, pytest.raises(GitError, match="inside the git repository"):
        service.sync_init(None)


def test_edits_of_different_entries_merge_silently(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        service.remember("Ferry to Hvar leaves at seven", path="travel")
    with device(b) as service:
        service.remember("Piano lesson moved to Thursdays", path="music")
    sync(a, b, a)
    for home in (a, b):
        assert recalls(home, "ferry hvar", "entry") and recalls(home, "piano thursdays", "entry")
        with device(home) as service:
            assert not service.review_queue().items()
            report = service.doctor()
            assert not report.problems and not any(report.drift.values())


def test_the_same_entry_edited_on_both_sides_keeps_both_in_review(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        entry = service.remember("The spare key is under the flower pot", path="home")
    sync(a, b)
    with device(a) as service:
        service.update(entry.id, body="The spare key is with the neighbour Ines", tags=["keys"])
    with device(b) as service:
        service.update(entry.id, body="The spare key is in the garage drawer", tags=["house"])
    sync(a, b)
    with device(b) as service:
        items = [i for i in service.review_queue().items() if i.action == SYNC_CONFLICT]
        assert len(items) == 1
        mine, theirs = str(items[0].proposal["mine"]), str(items[0].proposal["theirs"])
        assert "garage drawer" in mine and "neighbour Ines" in theirs
        kept = service.get(entry.id).entry
        assert "garage drawer" in kept.body
        assert set(kept.tags) == {"keys", "house"}  # Amber's fields merged field by field
        service.review_queue().accept(items[0].id)
        assert "neighbour Ines" in service.get(entry.id).entry.body
    sync(b, a)
    with device(a) as service:
        assert "neighbour Ines" in service.get(entry.id).entry.body


def test_different_lines_of_one_entry_merge_with_fields_unioned(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    text = "Packing list\n\n- passport\n- charger\n- sunscreen\n- hat\n- book\n"
    with device(a) as service:
        entry = service.remember(text, path="travel", tags=["trip"])
    sync(a, b)
    with device(a) as service:
        service.update(entry.id, body=text.replace("- passport", "- passport and visa"))
        service.update(entry.id, tags=["trip", "summer"])
    with device(b) as service:
        service.update(entry.id, body=text.replace("- book", "- two books"))
        service.update(entry.id, tags=["trip", "hvar"])
    sync(a, b, a)
    for home in (a, b):
        with device(home) as service:
            merged = service.get(entry.id).entry
            assert "passport and visa" in merged.body and "two books" in merged.body
            assert set(merged.tags) == {"trip", "summer", "hvar"}
            assert not service.review_queue().items()


def test_an_event_captured_on_a_is_recallable_on_b_and_never_plain_in_git(
    tmp_path: Path,
) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    assert capture(a, chat("pool", *EVENT_TEXTS)) == 2
    sync(a, b)
    assert any("4471" in s for s in recalls(b, "locker code swimming pool"))
    assert any("nutmeg" in s for s in recalls(b, "lasagne bechamel"))
    sync(b, a)  # nothing comes back twice
    with device(a) as service:
        assert service.event_source_counts() == {"conversation": 2}
    for repository in (remote, a / "tree", b / "tree"):
        objects = all_objects(repository)
        assert b".seg\0" in objects  # the segments are there, encrypted
        for text in EVENT_TEXTS:
            for needle in (text, text[:30], "4471", "nutmeg"):
                assert needle.encode() not in objects, (repository, needle)


def test_forgetting_an_event_on_a_removes_it_on_b(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    capture(a, chat("pool", *EVENT_TEXTS))
    sync(a, b)
    with device(a) as service:
        plan = service.forget_plan(Selection(match="locker code"))
        service.forget_events(plan)
    sync(a, b)
    assert not recalls(b, "locker code swimming pool")
    assert any("nutmeg" in s for s in recalls(b, "lasagne bechamel"))
    with device(b) as service:
        rows = service.db.query("SELECT count(*) FROM events WHERE text LIKE '%4471%'")
        assert rows[0][0] == 0
        assert service.sync_status().tombstones == 1
    sync(a)  # A does not get it back from B's history of segments
    assert not recalls(a, "locker code swimming pool")


def test_forgetting_an_entry_on_a_removes_it_on_b(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        entry = service.remember("My bank PIN hint is the cat's birthday", path="private")
    sync(a, b)
    assert recalls(b, "bank pin hint", "entry")
    with device(a) as service:
        service.forget(entry.id)
    sync(a, b)
    assert not recalls(b, "bank pin hint", "entry")
    assert not (b / "tree" / "private").exists()


def test_a_device_that_joins_late_converges(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        service.remember("Oil change due in March", path="car")
    capture(b, chat("garden", "Plant the tulip bulbs before the first frost"))
    sync(b, a)
    with device(a) as service:
        service.remember("Tyres swapped in October", path="car")
    sync(a)
    c = new_device(tmp_path, "c", remote)
    for query, kind in (("oil change", "entry"), ("tyres swapped", "entry"), ("tulip", "event")):
        assert recalls(c, query, kind), query
    with device(c) as service:
        assert service.sync_status().segments_unapplied == 0
        assert service.entry_count() == 2


def test_another_passphrase_is_refused_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare_remote(tmp_path)
    new_device(tmp_path, "a", remote)
    monkeypatch.setenv("AMBER_PASSPHRASE", "a different passphrase entirely")
    from amber.home import init_home

    b = tmp_path / "b"
    init_home(b)
    with device(b) as service:
        with pytest.raises(WrongKeyError, match="not the one the synced memory was made with"):
            service.sync_init(str(remote), device="b")
        assert service.sync_status is not None
    with device(b) as service:  # the index still opens with its own passphrase
        assert service.entry_count() == 0


def test_a_segment_altered_in_the_repository_is_refused(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    capture(a, chat("pool", *EVENT_TEXTS))
    sync(a)
    segment = next((a / "tree" / ".amber" / "events" / "a").glob("*.seg"))
    data = bytearray(segment.read_bytes())
    data[-5] ^= 0x01
    segment.write_bytes(bytes(data))
    sync(a)  # the altered segment travels as a new version of the file
    from amber.sync.segments import SegmentError

    with device(b) as service, pytest.raises(SegmentError, match="altered"):
        service.sync()
    assert not recalls(b, "locker code swimming pool")


def test_syncthing_conflict_copies_go_to_review(tmp_path: Path) -> None:
    home = new_device(tmp_path, "a", None)
    with device(home) as service:
        entry = service.remember("Wifi password is on the fridge", path="home")
    original = home / "tree" / entry_path(home, entry.id)
    copy = original.with_name(original.stem + ".sync-conflict-20240501-101500-ABCDEFG.md")
    copy.write_text(original.read_text().replace("fridge", "router label"))
    with device(home) as service:
        service.reconcile()
        assert service.sync_status().copies_waiting == 1
        service.sync()
        items = [i for i in service.review_queue().items() if i.action == SYNC_CONFLICT]
        assert len(items) == 1 and "router label" in str(items[0].proposal["theirs"])
        assert service.sync_status().copies_waiting == 0
    assert not copy.exists()
    assert "sync-conflict" not in _git(home, "ls-files")


def entry_path(home: Path, entry_id: str) -> str:
    with device(home) as service:
        return service.get(entry_id).entry.path


def test_hand_edits_moves_and_deletions_travel_with_their_ids(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        kept = service.remember("Bike lock combination hint: the year we met", path="misc")
        gone = service.remember("Old gym membership number 5521", path="misc")
    sync(a, b)
    tree = a / "tree"
    moved = tree / "bikes" / "lock.md"
    moved.parent.mkdir()
    (tree / entry_path(a, kept.id)).rename(moved)  # by hand, nobody watching
    (tree / entry_path(a, gone.id)).unlink()
    sync(a, b)
    with device(b) as service:
        assert service.get(kept.id).entry.path == "bikes/lock.md"
        assert not recalls(b, "gym membership", "entry")
        assert service.sync_status().tombstones == 1  # the deletion travelled as forgetting


def test_a_tree_that_lost_its_repository_says_what_to_do(tmp_path: Path) -> None:
    import shutil

    from amber.sync.engine import NotSyncedError

    home = new_device(tmp_path, "a", None)
    shutil.rmtree(home / "tree" / ".git")
    with device(home) as service, pytest.raises(NotSyncedError, match="sync init"):
        service.sync()

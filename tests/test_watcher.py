"""Edits from outside Amber reach the index: live via the watcher, or at start-up."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.disk import FullDisk

from amber import watcher as watcher_module
from amber.service import MemoryService
from amber.watcher import TreeWatcher

REINDEX_DEADLINE_S = 2.0


@pytest.fixture
def watched(service: MemoryService) -> Iterator[MemoryService]:
    watcher = TreeWatcher(service)
    watcher.start()
    try:
        yield service
    finally:
        watcher.stop()


def _seconds_until(condition: Callable[[], bool], limit: float = 10.0) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit:
            return float("inf")
        time.sleep(0.02)
    return time.monotonic() - start


def _finds(service: MemoryService, query: str) -> Callable[[], bool]:
    return lambda: bool(service.recall(query))


def test_external_edit_is_indexed_within_two_seconds(watched: MemoryService) -> None:
    entry = watched.remember("Bicycle lock code is written in the red notebook")
    path = watched.config.tree_dir / entry.path
    path.write_text(path.read_text().replace("red notebook", "ochre ledger"))
    assert _seconds_until(_finds(watched, "ochre ledger")) < REINDEX_DEADLINE_S
    assert not watched.recall("red notebook")


def test_new_moved_and_deleted_files(watched: MemoryService) -> None:
    folder = watched.config.tree_dir / "inbox"
    folder.mkdir()
    note = folder / "plan.md"
    note.write_text("# Plan\n\nRepaint the balcony railing in spring.\n")
    assert _seconds_until(_finds(watched, "balcony railing")) < REINDEX_DEADLINE_S
    target = watched.config.tree_dir / "home" / "plan.md"
    target.parent.mkdir()
    note.rename(target)
    moved = lambda: [h.path for h in watched.recall("balcony")] == ["home/plan.md"]  # noqa: E731
    assert _seconds_until(moved) < REINDEX_DEADLINE_S
    target.unlink()
    assert _seconds_until(lambda: not watched.recall("balcony")) < REINDEX_DEADLINE_S


def test_git_checkout_style_burst(watched: MemoryService) -> None:
    """Many files replaced at once (as `git pull` does) all arrive, debounced."""
    folder = watched.config.tree_dir / "pulled"
    folder.mkdir()
    for i in range(40):
        (folder / f"n{i}.md").write_text(f"# Note {i}\n\nsynced token quasar{i}\n")
    done = lambda: len(watched.recall("synced token", _k(50))) == 40  # noqa: E731
    assert _seconds_until(done) < REINDEX_DEADLINE_S * 2
    assert all(watched.recall(f"quasar{i}") for i in (0, 17, 39))


def _k(k: int) -> object:
    from amber.retrieval.recall import RecallOptions

    return RecallOptions(k=k)


def test_changes_while_nothing_ran_are_caught_at_start(home: Path) -> None:
    with MemoryService.open(home) as service:
        entry = service.remember("Passport renewal due in March")
    path = home / "tree" / entry.path
    path.write_text(path.read_text().replace("March", "September"))
    (home / "tree" / "offline.md").write_text("Written while Amber was closed: tangerine\n")
    with MemoryService.open(home) as service:
        assert not service.recall("tangerine")  # the index has not seen it yet
        report = service.reconcile()
        assert report.updated == [entry.path]
        assert report.added == ["offline.md"]
        assert service.recall("September passport")[0].id == entry.id
        assert service.recall("tangerine")


def test_a_file_that_met_a_full_disk_is_tried_again(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was reported and then left out of the index until its next edit; a rescan that
    met the full disk ended the watcher's thread."""
    monkeypatch.setattr(watcher_module, "RETRY_S", 0.3)
    disk = FullDisk(monkeypatch, service.config.home).fill(service.db, files=False)
    seen: list[str] = []
    watcher = TreeWatcher(service, lambda path, outcome: seen.append(outcome))
    watcher.start()
    try:
        (service.config.tree_dir / "boats").mkdir()  # a new folder: a rescan, failing too
        (service.config.tree_dir / "boats" / "kayak.md").write_text("The kayak paddle is teal\n")
        assert _seconds_until(lambda: len(seen) >= 2) < 5
        assert _indexed(service, "boats/kayak.md") is None
        disk.free()
        assert _seconds_until(lambda: _indexed(service, "boats/kayak.md") is not None) < 5
    finally:
        watcher.stop()
    assert all("trying again" in outcome for outcome in seen[:2])


def _indexed(service: MemoryService, rel_path: str) -> object:
    return service.db.one("SELECT id FROM entries WHERE path = ?", (rel_path,))

"""The distiller on several devices: one device distils a synced memory, so the same
events never become two pages; its marks keep every device's queue in step, and the role
moves with its pages."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

from helpers.caroline import DAY, TALK, add_talk
from helpers.events import store_events
from helpers.sync import GIT, bare_remote, device, new_device, sync

from amber.events import EventDraft
from amber.home import init_home
from amber.sync.distilling import Role, read_role, settle


def _pages(home: Path) -> dict[str, str]:
    """Every entry file the tree's repository holds, with its id (one line of each)."""
    listed = subprocess.run(
        ["git", "-C", str(home / "tree"), "ls-files", "*.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = {}
    for path in listed:
        if path.endswith("context.md"):
            continue
        text = (home / "tree" / path).read_text()
        found[path] = next(line for line in text.splitlines() if line.startswith("id:"))
    return found


def _git(home: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(home / "tree"), *args], check=True, capture_output=True)


def _undistilled(home: Path) -> int:
    with device(home) as service:
        return int(service.db.query("SELECT count(*) FROM events WHERE distilled = 0")[0][0])


def _distill(home: Path) -> object:
    with device(home) as service:
        return service.distiller(use_model=False).run()


def test_two_devices_distilling_the_same_events_make_one_set_of_pages(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        add_talk(service)
    sync(a, b)
    assert _undistilled(b) == len(TALK)
    on_b = _distill(b)  # before A distilled, and after
    on_a = _distill(a)
    sync(a, b, a)
    again_b = _distill(b)
    sync(b, a)
    pages = _pages(a)
    assert pages == _pages(b)
    assert any(p.startswith("people/caroline") for p in pages)
    assert len(set(pages.values())) == len(pages)
    twice = re.compile(r"(?<!-\d)-(?:a|b|2)\.md$")  # a second file's suffix, not "(1/2)"
    assert not [p for p in pages if twice.search(p)]  # no page twice
    assert on_b.distilled_by == again_b.distilled_by == "a" and on_b.events == 0
    assert "device a distils" in on_b.summary()
    assert on_a.events == len(TALK) and on_a.paged >= 3  # an episode and two people pages
    for home in (a, b):
        with device(home) as service:
            assert not service.review_queue().items()
            report = service.doctor()
            assert not report.problems and not any(report.drift.values())
    assert _undistilled(b) == 0  # A's marks: B's queue (and retention) follow A


def test_the_role_moves_with_the_pages_so_nothing_is_made_twice(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        add_talk(service)
    _distill(a)
    sync(a, b)
    before = _pages(b)
    with device(b) as service:
        assert service.sync_distiller() == "a"
        assert service.sync_distiller(take=True) == "b"
        later = [
            EventDraft(
                source="conversation",
                text="I started a ceramics course at the community centre.",
                conversation="chat-1",
                message_id="m6",
                author="Caroline",
                title="Catch-up",
                timestamp=DAY + timedelta(minutes=6),
            )
        ]
        store_events(service, later)
    report = _distill(b)
    assert not report.distilled_by and report.events == 1 and report.review == 0
    sync(b, a)
    assert _distill(a).distilled_by == "b"
    after = _pages(a)
    assert after == _pages(b)
    assert set(before.items()) <= set(after.items())  # the same files, the same ids
    caroline = next(p for p in after if p.startswith("people/caroline"))
    assert "ceramics" in (a / "tree" / caroline).read_text()
    for home in (a, b):
        with device(home) as service:
            assert not service.review_queue().items()


def test_two_claims_that_cross_settle_the_same_on_both_devices(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = tmp_path / "b"
    init_home(b)
    aside = tmp_path / "aside.git"
    subprocess.run(["git", "init", "-q", "--bare", str(aside)], check=True)
    with device(b) as service:
        service.sync_init(str(remote), device="b")  # the memory's key, not synced yet
        service.sync_init(str(aside))  # synced first elsewhere: it claims the role too
        _git(b, "update-ref", "-d", "refs/remotes/origin/main")
        service.sync()
    claims = read_role(a / "tree"), read_role(b / "tree")
    assert [c.device for c in claims if c] == ["a", "b"]
    with device(b) as service:
        service.sync_init(str(remote))
    sync(b, a, b)
    held = {read_role(home / "tree") for home in (a, b)}
    assert held == {settle(*claims)}  # the later claim, the same on both
    assert not list((b / "tree" / ".amber").glob("*.theirs-*"))


def test_settling_is_the_same_from_either_side() -> None:
    early, late = Role("zeta", "2024-01-01T00:00:00Z"), Role("alpha", "2024-02-01T00:00:00Z")
    assert settle(early, late) == settle(late, early) == late
    tie_a, tie_b = Role("alpha", "2024-01-01T00:00:00Z"), Role("beta", "2024-01-01T00:00:00Z")
    assert settle(tie_a, tie_b) == settle(tie_b, tie_a) == tie_a
    assert settle(None, tie_b) == tie_b and settle(None, None) is None

"""A full disk (ENOSPC; also EDQUOT and EIO) while the daemon runs: it keeps running, keeps
what it captured, pauses capture, says so in `amber daemon status` and the TUI (even when
its status file cannot be written), and resumes by itself once there is room again."""

from __future__ import annotations

import errno
import json
import logging
import shutil
import threading
from collections import namedtuple
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.daemon import daemon_with
from helpers.disk import FullDisk
from helpers.waiting import wait_for, wait_for_check

from amber.config import load_config
from amber.daemon import statusfile
from amber.daemon.control import Control
from amber.daemon.errors import DaemonError
from amber.daemon.inprocess import DaemonThread
from amber.daemon.jsonfile import read_json
from amber.daemon.paths import DaemonPaths
from amber.daemon.settings import set_capture_value
from amber.daemon.sink import Capture, CaptureSink
from amber.daemon.stats import SourceStats
from amber.daemon.statusfile import read_status
from amber.events import EventDraft
from amber.plugins.sources.files import FileSource
from amber.pluginspec import CaptureContext
from amber.service import MemoryService
from amber.store import events as event_rows
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.screens.daemon import summary


class Ticker:
    """Like the screen: a new item every few milliseconds, dropped (and counted) when the
    queue has no room, since the same moment never comes again."""

    description = "ticks"
    default_enabled = True

    def __init__(self, name: str = "ticker") -> None:
        self.name = name
        self.count = 0

    def run(self, ctx: CaptureContext) -> None:
        ctx.set_state("running", "ticking")
        while not ctx.wait(0.01):
            self.count += 1
            text = f"tick {self.name} number {self.count}"
            ctx.emit([EventDraft(source=self.name, text=text, message_id=str(self.count))])


def status(home: Path) -> dict:
    return read_status(DaemonPaths(home)).to_json()


def reported_full(runner: DaemonThread, home: Path, problem: str = "disk full") -> str | None:
    """None once the daemon's status (read as `amber daemon status` reads it) shows the
    problem with capture paused; else why not yet."""
    if runner.failure is not None:
        return f"the daemon died: {runner.failure!r}"
    now = status(home)
    if not now["running"]:
        return f"the daemon reads as not running: {now}"
    disk = now.get("disk") or {}
    if disk.get("problem") != problem:
        return f"no {problem!r} in the status: {disk or now}"
    states = {name: source["state"] for name, source in now["sources"].items()}
    if set(states.values()) != {"paused"}:
        return f"capture not paused: {states}"
    return None


def recovered(runner: DaemonThread, home: Path) -> str | None:
    if runner.failure is not None:
        return f"the daemon died: {runner.failure!r}"
    written = read_json(DaemonPaths(home).status) or {}
    if not (written.get("disk") or {}).get("ok"):
        return f"status.json does not say the disk is fine: {written.get('disk')}"
    states = {name: source["state"] for name, source in written["sources"].items()}
    if "paused" in states.values() or written["queue"]["depth"]:
        return f"capture not resumed: {states}, queue {written['queue']}"
    return None


def gone_stale(runner: DaemonThread, home: Path) -> str | None:
    if runner.failure is not None:
        return f"the daemon died: {runner.failure!r}"
    now = status(home)
    return None if now.get("status_stale") else f"not stale: {now.get('status_age_s')} s old"


def watch(home: Path, folder: Path) -> None:
    set_capture_value(home, "files", "folders", [str(folder)])
    set_capture_value(home, "files", "quiet_s", 0.2)
    set_capture_value(home, "files", "cap_s", 1.0)


def test_a_full_disk_pauses_capture_and_everything_resumes_by_itself(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "before.md").write_text("a heron, seen before the disk filled\n")
    watch(home, notes)
    disk = FullDisk(monkeypatch, home)
    ticker = Ticker()
    runner = daemon_with(home, FileSource(), ticker, status_every_s=0.2)
    with runner as daemon:
        wait_for(lambda: daemon.stats["files"].captured == 1, "the first file to be captured")
        disk.fill(daemon.service.db)
        for n in range(3):
            (notes / f"during{n}.md").write_text(f"osprey note {n}, written on a full disk\n")
        wait_for_check(lambda: reported_full(runner, home), "the full disk in the status")

        now = status(home)
        places = {place["what"]: place for place in now["disk"]["places"]}
        assert places["index"]["path"] == str(home / "index.db")
        assert "No space left on device" in places["index"]["error"]
        assert places["status"]["path"] == str(home / "daemon" / "status.json")
        assert now["disk"]["since"]
        assert now["disk"]["capture"] == "paused"
        assert now["disk"]["waiting"] >= 1  # the ticker's items, kept for later
        assert all("disk full" in s["detail"] for s in now["sources"].values())
        # status.json could not be replaced since, and still says all is well: the news
        # came from the spare the daemon rewrites in place
        assert (read_json(DaemonPaths(home).status) or {})["disk"] == {"ok": True}
        assert now["status_file"] == str(home / "daemon" / "status.spare.json")
        assert daemon.stats["files"].dropped == 0

        frozen = ticker.count  # paused: the source thread has ended
        seen = now["updated"]
        wait_for(lambda: status(home)["updated"] != seen, "another status while full")
        assert ticker.count == frozen

        disk.free()
        wait_for_check(lambda: recovered(runner, home), "capture to resume by itself")
        wait_for(lambda: daemon.stats["files"].captured == 4, "the files written meanwhile")
        (notes / "after.md").write_text("a kestrel, once there was room again\n")
        wait_for(lambda: daemon.stats["files"].captured == 5, "a file written after")
        wait_for(lambda: ticker.count > frozen + 5, "the ticker to tick again")
    assert runner.failure is None
    assert daemon.stats["files"].dropped == 0
    assert "Logging error" not in capfd.readouterr().err  # no traceback per lost log line
    log = (home / "logs" / "daemon.log").read_text()
    assert "log lines lost meanwhile:" in log  # they were, and it says so
    assert "capture resumes" in log
    with MemoryService.open(home, interface="test") as svc:
        texts = {r[0] for r in svc.db.query("SELECT text FROM events WHERE source = 'file'")}
    assert {f"osprey note {n}, written on a full disk" for n in range(3)} <= texts


def test_a_log_that_cannot_be_written_is_shown_and_picked_up_again(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    """Only the log fails: capture goes on (its events can be stored), the status names the
    log, and once the log works again the daemon notices by itself and says what was lost."""
    disk = FullDisk(monkeypatch, home)
    runner = daemon_with(home, Ticker(), status_every_s=0.2)
    with runner as daemon:
        wait_for(lambda: daemon.stats["ticker"].captured > 0, "the ticker to capture")
        disk.fill(None, files=False)
        logging.getLogger("amber.daemon").info("a line for a full disk")
        wait_for(lambda: not status(home)["disk"]["ok"], "the status to name the log")
        now = status(home)
        assert [place["what"] for place in now["disk"]["places"]] == ["log"]
        assert now["disk"]["capture"] == "running"
        before = daemon.stats["ticker"].captured
        wait_for(lambda: daemon.stats["ticker"].captured > before + 5, "capture to go on")
        disk.free()
        wait_for(lambda: status(home)["disk"]["ok"], "the log to be picked up again")
    assert runner.failure is None
    assert "Logging error" not in capfd.readouterr().err
    log = (home / "logs" / "daemon.log").read_text()
    assert "a line for a full disk" not in log
    assert "log lines lost meanwhile: 1 (disk full since" in log


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_the_writer_keeps_items_through_write_errors(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """The index commit itself raising OSError: nothing is dropped, everything is stored
    once the error stops, and the problem is reported meanwhile."""
    stats: dict[str, SourceStats] = {}
    sink = CaptureSink(service.db, lambda name: stats.setdefault(name, SourceStats(name)))
    disk = FullDisk(monkeypatch, service.config.home).fill(service.db, code=code)
    acked = threading.Event()
    sink.start()
    drafts = [
        EventDraft(source="t", text=f"item {n}", uri="t:", message_id=str(n)) for n in range(5)
    ]
    assert sink.offer(Capture("t", drafts, ack=acked.set))
    wait_for_check(
        lambda: None if stats["t"].errors >= 2 else f"{stats['t']}",
        "the writer to keep the items and retry",
    )
    assert "cannot write the index" in sink.problem
    assert sink.waiting == 1
    assert not acked.is_set()
    disk.free()
    sink.retry_soon()
    wait_for(acked.is_set, "the items to be committed")
    sink.stop()
    assert event_rows.event_count(service.db) == 5
    assert stats["t"].dropped == 0
    assert sink.problem == ""


def test_status_says_running_and_disk_full_while_status_json_is_stale(
    home: Path, monkeypatch: pytest.MonkeyPatch, amber_cli
) -> None:
    paths = DaemonPaths(home)
    disk = FullDisk(monkeypatch, home)
    runner = daemon_with(home, Ticker(), status_every_s=0.2)
    with runner as daemon:
        wait_for(lambda: daemon.stats["ticker"].captured > 0, "the ticker to capture")
        disk.fill(daemon.service.db)
        wait_for_check(lambda: reported_full(runner, home), "the full disk in the status")
        stale = paths.status.read_text()
        shown = amber_cli("daemon", "status")
        as_json = json.loads(amber_cli("daemon", "status", "--json").stdout)
        panel = FileDaemonControl(load_config()).status()
        assert paths.status.read_text() == stale  # nothing could replace it meanwhile
        disk.free()
    assert shown.returncode == 0, shown.stderr
    assert "daemon running" in shown.stdout
    assert "DISK FULL" in shown.stdout
    assert str(home / "index.db") in shown.stdout
    assert "capture paused" in shown.stdout
    assert "waiting" in shown.stdout
    assert as_json["running"] and as_json["state"] == "running"
    assert as_json["disk"]["problem"] == "disk full"
    assert panel.running and "DISK FULL" in panel.disk
    assert "DISK FULL" in summary(panel).plain


def test_status_infers_a_daemon_that_cannot_write_any_status(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not even the in-place copy can be written (a copy-on-write file system): the lock is
    held and the pid lives, so the daemon runs; its status has gone stale; the disk has no
    room left. `amber daemon status` says all that instead of "not running"."""
    disk = FullDisk(monkeypatch, home)
    runner = daemon_with(home, Ticker(), status_every_s=0.2)
    with runner as daemon:
        wait_for(lambda: daemon.stats["ticker"].captured > 0, "the ticker to capture")
        disk.fill(daemon.service.db, in_place=True)
        monkeypatch.setattr(statusfile, "STALE_AFTER_S", 1.0, raising=False)  # (older code)
        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9, 0))
        wait_for_check(lambda: gone_stale(runner, home), "the status to go stale")
        code, out, _ = amber("daemon", "status")
        now = status(home)
        disk.free()
    assert code == 0
    assert "daemon running" in out
    assert "DISK FULL" in out
    assert "no status from the daemon for" in out
    assert now["running"] and now["status_stale"]
    assert now["disk"]["problem"] == "disk full"
    assert now["disk"]["free_bytes"] == 0


def test_the_status_goes_to_the_spare_and_the_spare_comes_back(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """StatusWriter alone: status.json on a full disk, the spare in place; a spare that went
    missing is reserved again once there is room."""
    from amber.daemon.health import DiskHealth  # here: the other tests run on older code too

    paths = DaemonPaths(service.config.home)
    paths.ensure()
    health = DiskHealth()
    writer = statusfile.StatusWriter(paths, health)
    writer.prepare()
    assert paths.status_spare.stat().st_size == statusfile.RESERVE_BYTES
    disk = FullDisk(monkeypatch, paths.home).fill(service.db)
    writer.write(lambda: {"updated": "2026-01-01T10:00:00Z", "disk": health.to_json()})
    written, source = statusfile.newest_status(paths)
    assert source == paths.status_spare
    assert written["disk"]["places"][0]["what"] == "status"
    assert paths.status_spare.stat().st_size == statusfile.RESERVE_BYTES  # same blocks

    paths.status_spare.unlink()  # even this went (someone tidied up)
    writer.write(lambda: {"updated": "2026-01-01T10:00:02Z"})  # nowhere to go: no raise
    disk.free()
    assert writer.write(lambda: {"updated": "2026-01-01T10:00:04Z", "disk": health.to_json()})
    assert statusfile.newest_status(paths) == (
        {"updated": "2026-01-01T10:00:04Z", "disk": {"ok": True}},
        paths.status,
    )
    assert paths.status_spare.stat().st_size == statusfile.RESERVE_BYTES


def test_switches_on_a_full_disk_fail_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FullDisk(monkeypatch, home).fill(None)
    with pytest.raises(DaemonError, match="No space left on device"):
        Control(DaemonPaths(home)).pause(None)
    code, _, err = amber("sources", "pause")
    assert code != 0
    assert len(err.strip().splitlines()) == 1
    assert "No space left on device" in err

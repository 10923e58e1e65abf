"""Where sync stands, as the daemon shows it: its interval job keeps `amber sync status`
after each run, and `amber daemon status` and the TUI's daemon panel show it in a line."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from helpers.sync import bare_remote, device, new_device, sync
from helpers.waiting import wait_until
from textual.widgets import Static

from amber.clock import now_iso
from amber.daemon.instance import InstanceLock
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import write_status
from amber.daemon.sync_job import SyncJob
from amber.tui.app import create_app
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.services import TuiServices

Run = Callable[..., CompletedProcess[str]]


def _conflicted_device(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """Device b after its interval job synced into a conflict: the job's status section."""
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        entry = service.remember("The spare key is under the flower pot", path="home")
    sync(a, b)
    with device(a) as service:
        service.update(entry.id, body="The spare key is with the neighbour Ines")
    sync(a)
    with device(b) as service:
        service.update(entry.id, body="The spare key is in the garage drawer")
        job = SyncJob(service.sync, b, 900, threading.Event(), service.sync_status)
        job.step()
    return b, job.to_json()


@contextmanager
def _running_daemon(home: Path, sync_section: dict[str, object]) -> Iterator[None]:
    """The status file a running daemon writes, with this sync section."""
    with device(home) as service:
        paths = DaemonPaths.of(service.config)
    lock = InstanceLock(paths)
    lock.acquire()
    try:
        stamp = now_iso()
        write_status(
            paths,
            {
                "pid": 4242,
                "state": "running",
                "started": stamp,
                "updated": stamp,
                "queue": {"depth": 0, "capacity": 1000, "problem": None},
                "sources": {},
                "distiller": {"backlog": 0, "state": "nothing to do"},
                "sync": sync_section,
            },
        )
        yield
    finally:
        lock.release()


def test_the_job_keeps_where_sync_stands_and_daemon_status_says_it(
    tmp_path: Path, amber_cli: Run
) -> None:
    home, section = _conflicted_device(tmp_path)
    standing = section["status"]
    assert section["state"] == "synced" and isinstance(standing, dict)
    assert standing["conflicts_waiting"] == 1 and standing["distiller"] == "a"
    assert (standing["ahead"], standing["behind"]) == (0, 0)
    with _running_daemon(home, section):
        shown = amber_cli("daemon", "status", env_extra={"AMBER_HOME": str(home)})
    assert shown.returncode == 0, shown.stderr
    [line] = [line for line in shown.stdout.splitlines() if line.startswith("sync: ")]
    assert "sync: synced" in line and "ahead 0, behind 0" in line
    assert "1 conflicts in review" in line and "distilled by a" in line


def test_a_failed_interval_sync_shows_its_error(tmp_path: Path, amber_cli: Run) -> None:
    home = new_device(tmp_path, "a", bare_remote(tmp_path))
    (tmp_path / "remote.git").rename(tmp_path / "unplugged.git")
    with device(home) as service:
        job = SyncJob(service.sync, home, 900, threading.Event(), service.sync_status)
        job.step()
    with _running_daemon(home, job.to_json()):
        shown = amber_cli("daemon", "status", env_extra={"AMBER_HOME": str(home)})
    assert "sync: failed; retried at the next interval" in shown.stdout
    assert "last error: git fetch" in shown.stdout


@pytest.mark.anyio
async def test_the_daemon_panel_shows_where_sync_stands(tmp_path: Path) -> None:
    home, section = _conflicted_device(tmp_path)
    with _running_daemon(home, section), device(home) as service:
        services = TuiServices(
            service, watch_tree=False, poll_s=0.1, daemon=FileDaemonControl(service.config)
        )
        app = create_app(services)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("s")
            summary = app.screen.query_one("#daemon-summary", Static)
            await wait_until(pilot, lambda: "sync: synced" in str(summary.render()), "sync")
            shown = str(summary.render())
            assert "1 conflicts in review" in shown and "ahead 0, behind 0" in shown

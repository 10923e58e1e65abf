"""The daemon's interval sync: `[sync] interval` read from config.toml, and each run a
whole `amber sync` that another device then sees."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from helpers.sync import bare_remote, device, new_device, recalls, sync

from amber.daemon.sync_job import MIN_INTERVAL_S, SyncJob, sync_interval


def _set_interval(home: Path, value: str) -> None:
    config = home / "config.toml"
    config.write_text(config.read_text() + f"\n[sync]\ninterval = {value}\n")


def test_the_interval_comes_from_config_toml(tmp_path: Path) -> None:
    home = new_device(tmp_path, "a", None)
    assert sync_interval(home) == (0.0, "")
    _set_interval(home, "900")
    assert sync_interval(home) == (900.0, "")


def test_a_bad_or_tiny_interval(tmp_path: Path) -> None:
    home = new_device(tmp_path, "a", None)
    _set_interval(home, '"often"')
    seconds, problem = sync_interval(home)
    assert seconds == 0 and "number of seconds" in problem
    other = new_device(tmp_path, "b", None)
    _set_interval(other, "1")
    assert sync_interval(other) == (MIN_INTERVAL_S, "")


def test_the_job_syncs_on_its_interval_and_survives_a_failure(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    stop = threading.Event()
    with device(a) as service:
        service.remember("The boiler service is booked for the ninth", path="house")
        calls: list[int] = []

        def run() -> object:
            calls.append(1)
            if len(calls) == 1:
                raise OSError("the remote is unplugged")
            return service.sync()

        job = SyncJob(run, a, 0.2, stop)
        job.start()
        deadline = time.monotonic() + 30
        while job.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        job.join()
        assert job.runs >= 2 and job.to_json()["state"] == "synced"
    sync(b)
    assert recalls(b, "boiler service", "entry")


def test_the_daemon_starts_the_job_only_with_an_interval(tmp_path: Path) -> None:
    from amber.daemon.daemon import Daemon

    home = new_device(tmp_path, "a", None)
    with device(home) as service:
        assert Daemon(service, {}).sync_job is None
    _set_interval(home, "600")
    with device(home) as service:
        job = Daemon(service, {}).sync_job
        assert job is not None and job.interval_s == 600

"""`amber sync` and `amber key export/import` as a person runs them: real processes, real
homes, one bare repository."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.sync import bare_remote, capture, chat, device, recalls

from amber.home import init_home

Run = Callable[..., subprocess.CompletedProcess[str]]


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {"AMBER_HOME": str(home), **extra}


def test_sync_status_json_and_sync_json(tmp_path: Path, amber_cli: Run) -> None:
    remote = bare_remote(tmp_path)
    home = tmp_path / "a"
    init_home(home)
    capture(home, chat("pool", "Swim practice moved to the outdoor pool"))
    env = _env(home)
    not_yet = amber_cli("sync", env_extra=env)
    assert not_yet.returncode == 1 and "amber sync init" in not_yet.stderr
    done = amber_cli("sync", "init", str(remote), "--device", "desk", "--json", env_extra=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["device"] == "desk" and report["pushed"] and report["events_sent"] == 1
    status = amber_cli("sync", "status", "--json", env_extra=env)
    data = json.loads(status.stdout)
    assert data["remote"] == str(remote) and data["device"] == "desk"
    assert (data["ahead"], data["behind"], data["events_unsent"]) == (0, 0, 0)
    assert data["last_sync"] and data["conflicts_waiting"] == 0
    again = json.loads(amber_cli("sync", "--json", env_extra=env).stdout)
    assert not again["committed"] and again["events_sent"] == 0
    text = amber_cli("sync", "status", env_extra=env).stdout
    assert "device: desk" in text and "ahead 0, behind 0" in text


def test_a_key_export_lets_a_home_with_another_key_join(
    tmp_path: Path, amber_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare_remote(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    init_home(a)
    capture(a, chat("garden", "The apricot tree needs pruning in February"))
    assert amber_cli("sync", "init", str(remote), env_extra=_env(a)).returncode == 0
    monkeypatch.setenv("AMBER_PASSPHRASE", "the passphrase of device b")
    init_home(b)
    refused = amber_cli("sync", "init", str(remote), env_extra=_env(b))
    assert refused.returncode == 3 and "not the one" in refused.stderr
    blob = tmp_path / "amber.key"
    transfer = {"AMBER_KEY_PASSPHRASE": "moving day 2024"}
    monkeypatch.setenv("AMBER_PASSPHRASE", "correct horse battery staple")  # device a's
    exported = amber_cli("key", "export", str(blob), env_extra={**_env(a), **transfer})
    assert exported.returncode == 0, exported.stderr
    assert blob.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("AMBER_PASSPHRASE", "the passphrase of device b")
    wrong = amber_cli(
        "key", "import", str(blob), env_extra={**_env(b), "AMBER_KEY_PASSPHRASE": "nope nope"}
    )
    assert wrong.returncode == 3 and "does not open" in wrong.stderr
    imported = amber_cli("key", "import", str(blob), env_extra={**_env(b), **transfer})
    assert imported.returncode == 0, imported.stderr
    assert (b / "index.key").exists()  # a passphrase home keeps a key no passphrase makes
    joined = amber_cli("sync", "init", str(remote), env_extra=_env(b))
    assert joined.returncode == 0, joined.stderr
    assert any("apricot" in s for s in recalls(b, "apricot pruning"))


def test_a_sync_killed_midway_is_completed_by_the_next(tmp_path: Path) -> None:
    """kill -9 at several moments of a large first sync (timed on a twin device first, so
    the kills land inside it on a fast or a slow machine); after each, the next sync
    completes it and leaves repository and index consistent."""
    remote = bare_remote(tmp_path)
    a, b, twin = tmp_path / "a", tmp_path / "b", tmp_path / "twin"
    for home in (a, b, twin):  # the first device pushes its key check before the next join
        init_home(home)
        with device(home) as service:
            service.sync_init(str(remote), device=home.name)
            service.sync()
    with device(a) as service:
        for n in range(200):
            service.remember(f"Recipe card {n}: flour, water and {n} grams of salt", path="food")
    capture(a, chat("big", *[f"message {n} about the harbour" for n in range(8000)]))
    with device(a) as service:
        service.sync()
    whole = _timed_sync(twin)
    killed = [_killed_sync(b, whole * share) for share in (0.3, 0.5, 0.7, 0.9)]
    assert killed[0], "the sync ended before it could be killed"
    with device(b) as service:
        service.sync()
        report = service.doctor()
        assert not any(report.drift.values()), report.drift
        assert service.entry_count() == 200
        assert service.event_source_counts() == {"conversation": 8000}
        assert service.sync_status().segments_unapplied == 0
    git_dir = b / "tree" / ".git"
    assert not (git_dir / "MERGE_HEAD").exists() and not (git_dir / "index.lock").exists()
    subprocess.run(["git", "-C", str(b / "tree"), "fsck"], check=True, capture_output=True)


def _timed_sync(home: Path) -> float:
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "amber.cli", "sync"],
        env={**os.environ, "AMBER_HOME": str(home)},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - began


def _killed_sync(home: Path, delay: float) -> bool:
    proc = subprocess.Popen(
        [sys.executable, "-m", "amber.cli", "sync"],
        env={**os.environ, "AMBER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    running = proc.poll() is None
    if running:
        os.killpg(proc.pid, signal.SIGKILL)  # git's children go with it
    proc.wait()
    return running

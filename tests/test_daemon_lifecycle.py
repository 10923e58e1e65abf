"""`amber daemon start|status|stop|run` as a user runs them: one instance per home, a
prompt and ordered stop, honest status from another process, recovery after kill -9."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from helpers.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def status(amber_cli) -> dict:
    result = amber_cli("daemon", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_start_status_single_instance_stop(home: Path, amber_cli) -> None:
    started = amber_cli("daemon", "start")
    assert started.returncode == 0, started.stderr
    try:
        now = status(amber_cli)
        assert now["running"]
        assert now["state"] == "running"
        assert now["pid"] > 0
        assert {"files", "screen"} <= set(now["sources"])
        assert now["distiller"]["backlog"] == 0
        # Sources may already have handed the writer a capture or two: a moment's depth.
        assert 0 <= now["queue"]["depth"] <= now["queue"]["capacity"]
        # no display here: the screen source says so and counts it, the others go on
        wait_for(
            lambda: status(amber_cli)["sources"]["screen"]["errors"] == 1,
            "the screen source to count its missing display",
        )
        screen = status(amber_cli)["sources"]["screen"]
        assert screen["state"] == "waiting"
        assert "no display" in screen["detail"]
        assert status(amber_cli)["sources"]["files"]["state"] == "waiting"  # no folders yet

        shown = amber_cli("daemon", "status")
        assert "daemon running" in shown.stdout
        assert "distiller backlog 0 events" in shown.stdout
        assert "screen" in shown.stdout
        assert "screen: last error" in shown.stderr
        assert "no display" in shown.stderr

        again = amber_cli("daemon", "start")
        assert again.returncode == 75
        assert "already runs" in again.stderr
        foreground = amber_cli("daemon", "run", timeout=60)
        assert foreground.returncode == 75
        assert "already runs" in foreground.stderr
        assert status(amber_cli)["pid"] == now["pid"]
    finally:
        began = time.monotonic()
        stopped = amber_cli("daemon", "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert time.monotonic() - began < 15  # every wait in the daemon is interruptible
    after = status(amber_cli)
    assert not after["running"]
    assert after["last_state"] == "stopped"
    log = (home / "logs" / "daemon.log").read_text()
    assert "started" in log
    assert "stopped" in log
    human = amber_cli("daemon", "status")
    assert "not running" in human.stdout


def test_kill_9_leaves_no_stale_lock(home: Path, amber_cli) -> None:
    assert amber_cli("daemon", "start").returncode == 0
    pid = status(amber_cli)["pid"]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not status(amber_cli)["running"], "the status to see the killed daemon")
    restarted = amber_cli("daemon", "start")
    assert restarted.returncode == 0, restarted.stderr
    assert status(amber_cli)["pid"] not in (pid, None)
    assert amber_cli("daemon", "stop").returncode == 0


def test_wrong_passphrase_starts_nothing(home: Path, amber_cli) -> None:
    result = amber_cli("daemon", "start", env_extra={"AMBER_PASSPHRASE": "not it"})
    assert result.returncode == 3
    assert "wrong key or passphrase" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not status(amber_cli)["running"]


def test_stop_when_not_running(home: Path, amber_cli) -> None:
    result = amber_cli("daemon", "stop")
    assert result.returncode == 4
    assert result.stderr.strip() == "amber: the daemon is not running"


def test_status_needs_no_key(home: Path, amber_cli) -> None:
    """`status` reads the status file: it works even without the passphrase."""
    assert amber_cli("daemon", "start").returncode == 0
    try:
        result = amber_cli("daemon", "status", "--json", env_extra={"AMBER_PASSPHRASE": ""})
        assert result.returncode == 0
        assert json.loads(result.stdout)["running"]
    finally:
        assert amber_cli("daemon", "stop").returncode == 0


def test_init_leaves_amber_capturing(amber_env: Path, amber_cli) -> None:
    """The README's first command: `amber init` makes the home and starts the daemon; run
    again it changes nothing and finds the daemon running."""
    first = amber_cli("init", "--passphrase", env_extra={"AMBER_INIT_DAEMON": "1"})
    assert first.returncode == 0, first.stderr
    try:
        assert "running (pid" in first.stdout
        assert status(amber_cli)["running"]
        again = amber_cli("init", "--json", env_extra={"AMBER_INIT_DAEMON": "1"})
        assert json.loads(again.stdout)["daemon"] == "already running"
    finally:
        assert amber_cli("daemon", "stop").returncode == 0

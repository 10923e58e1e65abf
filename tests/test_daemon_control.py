"""Switching sources while the daemon runs: pause/resume (one source, all, for a while),
disable/enable across restarts, a crashing source, config reload, idle work, and the tree
watcher the daemon keeps running."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.daemon import daemon_with
from helpers.waiting import wait_for

from amber.config import load_config
from amber.daemon.control import Control
from amber.daemon.daemon import Daemon
from amber.daemon.paths import DaemonPaths
from amber.daemon.settings import set_capture_value
from amber.daemon.statusfile import read_status
from amber.events import EventDraft
from amber.pluginspec import CaptureContext
from amber.service import MemoryService


class Ticker:
    """A real source: one event every few milliseconds, labelled from its settings."""

    description = "ticks"
    default_enabled = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def run(self, ctx: CaptureContext) -> None:
        label = str(ctx.settings.get("label", "tick"))
        every = float(ctx.settings.get("every", 0.01))  # type: ignore[arg-type]
        ctx.set_state("running", label)
        while not ctx.wait(every):
            self.count += 1
            text = f"{label} {self.name} number {self.count}"
            ctx.emit([EventDraft(source=self.name, text=text, message_id=f"{label}{self.count}")])


class Crasher:
    name = "crasher"
    description = "fails at once"
    default_enabled = True

    def run(self, ctx: CaptureContext) -> None:
        raise OSError("the device went away")


def captured(daemon: Daemon, name: str) -> int:
    return daemon.stats[name].captured


def control(home: Path) -> Control:
    return Control(DaemonPaths(home))


def test_pause_one_then_all_then_resume(home: Path) -> None:
    with daemon_with(home, Ticker("a"), Ticker("b")) as daemon:
        wait_for(lambda: captured(daemon, "a") > 5 and captured(daemon, "b") > 5, "a and b to tick")
        control(home).pause("a")
        wait_for(lambda: daemon.stats["a"].state == "paused", "a to pause")
        # what it captured before is stored:
        wait_for(lambda: daemon.stats["a"].queued == 0, "a's queue to drain")
        frozen = captured(daemon, "a")
        before_b = captured(daemon, "b")
        # time passes for b...
        wait_for(lambda: captured(daemon, "b") > before_b + 20, "b to tick 20 more")
        assert captured(daemon, "a") == frozen  # ...and a captured nothing meanwhile

        control(home).pause(None, datetime.now(UTC) + timedelta(hours=1))
        wait_for(lambda: daemon.stats["b"].state == "paused", "b to pause")
        wait_for(
            lambda: read_status(DaemonPaths(home)).data.get("paused") is True,
            "the status file to show the pause",
        )
        assert daemon.stats["b"].detail.startswith("until 20")

        control(home).resume(None)  # lifts every pause, a's own too
        wait_for(lambda: captured(daemon, "a") > frozen + 5, "a to tick again")
        assert daemon.stats["b"].state == "running"


def test_a_timed_pause_ends_by_itself(home: Path) -> None:
    with daemon_with(home, Ticker("a")) as daemon:
        wait_for(lambda: captured(daemon, "a") > 0, "a to tick")
        control(home).pause("a", datetime.now(UTC) + timedelta(seconds=2))
        wait_for(lambda: daemon.stats["a"].state == "paused", "a to pause")
        wait_for(lambda: daemon.stats["a"].state == "running", "the pause to end", timeout=15)


def test_disabled_stays_disabled_across_restarts(home: Path) -> None:
    control(home).enable("a", False)
    with daemon_with(home, Ticker("a"), Ticker("b")) as daemon:
        wait_for(lambda: captured(daemon, "b") > 5, "b to tick")
        assert daemon.stats["a"].state == "disabled"
        assert captured(daemon, "a") == 0
        control(home).enable("a", True)
        wait_for(lambda: captured(daemon, "a") > 0, "a, enabled, to tick")


def test_a_crashing_source_is_counted_and_the_others_go_on(home: Path) -> None:
    with daemon_with(home, Crasher(), Ticker("a")) as daemon:
        wait_for(lambda: daemon.stats["crasher"].errors >= 1, "the crash to be counted")
        crash = daemon.stats["crasher"]
        assert crash.state == "error"
        assert "restarting in" in crash.detail
        assert crash.last_error == "OSError: the device went away"
        wait_for(lambda: captured(daemon, "a") > 10, "a to go on ticking")
    saved = json.loads((home / "daemon" / "status.json").read_text())
    assert saved["state"] == "stopped"
    assert saved["sources"]["crasher"]["errors"] >= 1


def test_reload_restarts_sources_with_new_settings(home: Path) -> None:
    with daemon_with(home, Ticker("a")) as daemon:
        wait_for(lambda: daemon.stats["a"].detail == "tick", "a to run with label tick")
        set_capture_value(home, "a", "label", "tock")
        daemon.reload_event.set()  # what SIGHUP (`amber sources set`) does
        wait_for(lambda: daemon.stats["a"].detail == "tock", "a to restart as tock")
        with MemoryService.open(home, interface="test") as svc:

            def tocks() -> int:
                return svc.db.one("SELECT count(*) FROM events WHERE text LIKE 'tock%'")[0]

            wait_for(lambda: tocks() > 0, "a tock event in the store")
        config = home / "config.toml"
        config.write_text(config.read_text() + "\n[broken\n")
        daemon.reload_event.set()  # a typo in config.toml: reported, capture goes on
        wait_for(
            lambda: daemon.config_problem.startswith("config.toml not reloaded"),
            "the broken config.toml to be reported",
        )
        before = captured(daemon, "a")
        wait_for(lambda: captured(daemon, "a") > before + 5, "capture to go on")


def test_idle_work_runs_when_there_is_a_backlog(home: Path) -> None:
    calls: list[threading.Event] = []

    def distill_step(stop: threading.Event) -> str:
        calls.append(stop)
        return f"distilled step {len(calls)}"

    ticker = Ticker("a")
    options = {"idle_work": distill_step, "idle_check_s": 0.1, "idle_busy_percent": 101.0}
    with daemon_with(home, ticker, **options) as daemon:
        wait_for(lambda: len(calls) >= 2, "two idle steps")
        wait_for(lambda: daemon.idle.state.startswith("distilled step"), "the idle state")
        assert daemon.backlog() > 0
        assert not calls[0].is_set()
    assert calls[0].is_set()  # the step's stop event is the daemon's: shutdown reaches it


def test_the_daemon_keeps_the_tree_indexed(home: Path) -> None:
    """Like `amber watch`: an entry file saved by an editor is recallable within seconds."""
    tree = load_config(home).tree_dir
    with daemon_with(home, watch_tree=True):
        (tree / "notes").mkdir(parents=True, exist_ok=True)
        (tree / "notes" / "kiln.md").write_text("# Kiln schedule\n\nFire the kiln on Fridays.\n")
        with MemoryService.open(home, interface="test") as svc:
            wait_for(
                lambda: any(h.type == "entry" for h in svc.recall("kiln fridays")),
                "the saved entry to be recallable",
            )


def test_the_distiller_runs_when_idle(home: Path) -> None:
    """Wired for real: captured events become digest entries (no chat model here) while the
    daemon runs, and the backlog shown in the status goes down to zero."""
    ticker = Ticker("a")
    set_capture_value(home, "a", "every", 0.1)
    options = {"distill_when_idle": True, "idle_check_s": 0.2, "idle_busy_percent": 101.0}
    with daemon_with(home, ticker, **options) as daemon:
        wait_for(lambda: captured(daemon, "a") >= 20, "20 ticks")
        control(home).pause("a")
        wait_for(
            lambda: daemon.stats["a"].state == "paused" and daemon.stats["a"].queued == 0,
            "a to pause with its queue drained",
        )
        wait_for(lambda: daemon.backlog(fresh=True) == 0, "the backlog to be distilled", timeout=60)
        assert "without a model" in str(daemon.idle.state) or daemon.idle.last_run
        with MemoryService.open(home, interface="test") as svc:
            assert svc.entry_count() >= 1


@pytest.mark.integration
def test_sources_cli_switches_and_errors(home: Path, amber_cli) -> None:
    listed = json.loads(amber_cli("sources", "list", "--json").stdout)
    names = {s["name"]: s for s in listed["sources"]}
    assert {"files", "screen"} <= set(names)
    assert not listed["daemon_running"]
    assert names["files"]["enabled"]
    assert names["files"]["daemon"] is None

    assert amber_cli("sources", "disable", "screen").returncode == 0
    paused = amber_cli("sources", "pause", "--for", "2h")
    assert paused.returncode == 0
    assert "all capture: paused until" in paused.stdout
    listed = json.loads(amber_cli("sources", "list", "--json").stdout)
    assert listed["paused"]
    assert not {s["name"]: s for s in listed["sources"]}["screen"]["enabled"]
    human = amber_cli("sources", "list").stdout
    assert "all capture paused until" in human
    assert "daemon not running" in human
    assert amber_cli("sources", "resume").returncode == 0
    assert not json.loads(amber_cli("sources", "list", "--json").stdout)["paused"]

    unknown = amber_cli("sources", "pause", "radio")
    assert unknown.returncode == 2
    assert "no source 'radio'; known sources:" in unknown.stderr
    bad = amber_cli("sources", "pause", "files", "--for", "soon")
    assert bad.returncode == 2
    assert "not a duration" in bad.stderr
    for endless in ("3000000d", "99999999999999d"):  # past datetime's range: was a traceback
        too_long = amber_cli("sources", "pause", "files", "--for", endless)
        assert too_long.returncode == 2
        assert "longer than a year" in too_long.stderr
    huge = amber_cli("log", "-n", "99999999999999999999")  # past SQLite's integers
    assert huge.returncode == 2
    assert "Traceback" not in huge.stderr

    changed = amber_cli("sources", "set", "files", "folders", '["~/notes"]')
    assert changed.returncode == 0, changed.stderr
    assert load_config(home).capture.source("files")["folders"] == ["~/notes"]
    assert "# Folders to watch" in (home / "config.toml").read_text()  # comments kept
    for args, why in (
        (("files", "folders", '"notes"'), "must be a list"),
        (("files", "folders", "[1, 2]"), "must be a list"),
        (("screen", "interval_s", '"ten"'), "must be a number"),
        (("screen", "keep_images", "1"), "must be true or false"),
        (("--", "screen", "interval_s", "-5"), "cannot be negative"),
    ):
        refused = amber_cli("sources", "set", *args)
        assert refused.returncode == 2, refused.stderr
        assert why in refused.stderr, refused.stderr
    assert load_config(home).capture.source("files")["folders"] == ["~/notes"]  # nothing changed

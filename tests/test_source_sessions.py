"""The agent-session source in a running daemon: transcripts written while it runs become
events, a restart resumes where it stopped (nothing twice), and only new lines are read."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from amber.daemon.daemon import DaemonOptions
from amber.daemon.inprocess import DaemonThread
from amber.daemon.settings import set_capture_value
from amber.plugins.sources.sessions import AGENT_SESSIONS, SHELL_HISTORY
from amber.service import MemoryService
from amber.store import capture

SESSION = "5d0c6a3e-0000-4000-8000-000000000001"


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def turn(uuid: str, text: str, role: str = "user") -> str:
    record = {
        "type": role,
        "sessionId": SESSION,
        "uuid": uuid,
        "cwd": "/src/bakery",
        "timestamp": "2026-11-20T10:00:00.000Z",
        "message": {"role": role, "content": text},
    }
    return json.dumps(record) + "\n"


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def agent_events(home: Path) -> list[str]:
    with MemoryService.open(home, interface="test") as svc:
        rows = svc.db.query("SELECT message_id FROM events WHERE source = 'claude-code'")
    return sorted(r[0] for r in rows)


def run_daemon(home: Path) -> DaemonThread:
    options = DaemonOptions(watch_tree=False, distill_when_idle=False)
    return DaemonThread(home, sources={"agents": AGENT_SESSIONS}, options=options)


def test_transcripts_are_tailed_and_resumed_without_duplicates(home: Path, tmp_path: Path) -> None:
    projects = tmp_path / "claude" / "projects" / "-src-bakery"
    projects.mkdir(parents=True)
    transcript = projects / f"{SESSION}.jsonl"
    set_capture_value(home, "agents", "claude_code_dir", str(tmp_path / "claude" / "projects"))
    set_capture_value(home, "agents", "codex_dir", str(tmp_path / "codex"))
    set_capture_value(home, "agents", "interval_s", 0.1)
    append(transcript, turn("u1", "Use sourdough starter from the blue jar"))
    with run_daemon(home):
        wait_for(lambda: len(agent_events(home)) == 1)
        append(transcript, turn("u2", "Noted: the blue jar starter", "assistant"))
        wait_for(lambda: len(agent_events(home)) == 2)
    with MemoryService.open(home, interface="test") as svc:
        saved = capture.source_checkpoint(svc.db, "agents")
        assert "claude-code" in saved
        assert any(h.type == "event" for h in svc.recall("blue jar starter"))
    append(transcript, turn("u3", "Bake at 240 degrees"))
    with run_daemon(home):
        wait_for(lambda: len(agent_events(home)) == 3)
        time.sleep(0.3)  # a few more polls: nothing may be read twice
    assert len(agent_events(home)) == len(set(agent_events(home))) == 3


def test_shell_history_is_opt_in() -> None:
    assert AGENT_SESSIONS.default_enabled
    assert not SHELL_HISTORY.default_enabled


class SettingsOnly:
    def __init__(self, settings: dict[str, object]) -> None:
        self.settings = settings
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)


def test_a_bad_interval_is_reported_and_the_default_used() -> None:
    from amber.plugins.sources.sessions import DEFAULT_INTERVAL_S, _interval

    bad = SettingsOnly({"interval_s": "soon"})
    assert _interval(bad) == DEFAULT_INTERVAL_S  # type: ignore[arg-type]
    assert "interval_s must be a number" in bad.errors[0]
    assert _interval(SettingsOnly({"interval_s": "0.5"})) == 0.5  # type: ignore[arg-type]

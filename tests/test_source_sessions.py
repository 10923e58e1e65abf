"""The agent-session source in a running daemon: transcripts written while it runs become
events, a restart resumes where it stopped (nothing twice), and only new lines are read."""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers.daemon import daemon_with
from helpers.files import append
from helpers.waiting import wait_for

from amber.daemon.settings import set_capture_value
from amber.plugins.sources.sessions import AGENT_SESSIONS, SHELL_HISTORY
from amber.service import MemoryService
from amber.store import capture

SESSION = "5d0c6a3e-0000-4000-8000-000000000001"


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


def agent_events(home: Path) -> list[str]:
    with MemoryService.open(home, interface="test") as svc:
        rows = svc.db.query("SELECT message_id FROM events WHERE source = 'claude-code'")
    return sorted(r[0] for r in rows)


def test_transcripts_are_tailed_and_resumed_without_duplicates(home: Path, tmp_path: Path) -> None:
    projects = tmp_path / "claude" / "projects" / "-src-bakery"
    projects.mkdir(parents=True)
    transcript = projects / f"{SESSION}.jsonl"
    set_capture_value(home, "agents", "claude_code_dir", str(tmp_path / "claude" / "projects"))
    set_capture_value(home, "agents", "codex_dir", str(tmp_path / "codex"))
    set_capture_value(home, "agents", "codex_archive_dir", str(tmp_path / "codex-archive"))
    set_capture_value(home, "agents", "gemini_dir", str(tmp_path / "gemini"))
    set_capture_value(home, "agents", "interval_s", 0.1)
    append(transcript, turn("u1", "Use sourdough starter from the blue jar"))
    with daemon_with(home, AGENT_SESSIONS):
        wait_for(lambda: len(agent_events(home)) == 1, "1 transcript event stored")
        append(transcript, turn("u2", "Noted: the blue jar starter", "assistant"))
        wait_for(lambda: len(agent_events(home)) == 2, "2 transcript events stored")
    with MemoryService.open(home, interface="test") as svc:
        saved = capture.source_checkpoint(svc.db, "agents")
        assert "claude-code" in saved
        assert any(h.type == "event" for h in svc.recall("blue jar starter"))
    append(transcript, turn("u3", "Bake at 240 degrees"))
    with daemon_with(home, AGENT_SESSIONS):
        wait_for(lambda: len(agent_events(home)) == 3, "3 transcript events stored")
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
